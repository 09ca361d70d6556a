import { MetricsServer } from '../src/observability/metrics-server.js';
import { Metrics } from '../src/observability/metrics.js';
import { startTestApp, TestApp } from './support/app.js';

/** The value of one sample line of the Prometheus text format, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (want.every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics (on the METRICS_PORT listener)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp();
  });
  afterAll(async () => {
    // In reverse order of start: in-memory PGlite is one instance per process, shared by both.
    await b?.close();
    await a?.close();
  });

  it('serves the Prometheus text format, uncached and outside the OpenAPI document', async () => {
    const res = await a.metrics.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    for (const name of [
      'http_request_duration_seconds',
      'bcrypt_duration_seconds',
      'reset_requests_total',
      'password_resets_total',
      'reset_failed_attempts_total',
      'mail_outbox_depth',
      'mail_delivery_failures_total',
      'process_cpu_seconds_total',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
    const doc = (await a.http.get('/docs-json')).body;
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });

  it('times requests by method, route template and status; unknown URLs share one label', async () => {
    await a.http.post('/auth/register', { username: 'metrics.user', password: 'StrongPassword123!' });
    await a.http.post('/auth/login', { username: 'metrics.user', password: 'Wrong-Password-1!' });
    await a.http.post('/auth/login', { username: 'metrics.user', password: 'Wrong-Password-1!' });
    await a.http.get('/no/such/thing/1');
    await a.http.get('/no/such/thing/2');
    const text = (await a.metrics.get('/metrics')).text;
    const count = (labels: Record<string, string>) => sample(text, 'http_request_duration_seconds_count', labels);
    expect(count({ method: 'POST', route: '/auth/register', status_code: '201' })).toBe(1);
    expect(count({ method: 'POST', route: '/auth/login', status_code: '401' })).toBe(2);
    expect(count({ method: 'GET', route: 'unmatched', status_code: '404' })).toBe(2);
    expect(text).not.toContain('/no/such/thing');
    expect(sample(text, 'http_request_duration_seconds_bucket', { route: '/auth/login', status_code: '401', le: '+Inf' })).toBe(2);
  });

  it('times bcrypt by operation', async () => {
    const text = (await a.metrics.get('/metrics')).text;
    expect(sample(text, 'bcrypt_duration_seconds_count', { operation: 'hash' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'bcrypt_duration_seconds_count', { operation: 'verify' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'bcrypt_duration_seconds_sum', { operation: 'hash' })).toBeGreaterThan(0);
  });

  it('exposes the counters and the outbox gauge the reset engine and mail module feed', async () => {
    const metrics = a.app.get(Metrics);
    metrics.resetRequests.inc({ outcome: 'issued' });
    metrics.passwordResets.inc({ method: 'code' });
    metrics.resetFailedAttempts.inc({ reason: 'incorrect' }, 3);
    metrics.mailDeliveryFailures.inc({ outcome: 'retry' });
    let depth: number | Record<string, number> = { pending: 4, failed: 1 };
    metrics.setOutboxDepthSource(async () => depth);
    let text = (await a.metrics.get('/metrics')).text;
    expect(sample(text, 'reset_requests_total', { outcome: 'issued' })).toBe(1);
    expect(sample(text, 'password_resets_total', { method: 'code' })).toBe(1);
    expect(sample(text, 'reset_failed_attempts_total', { reason: 'incorrect' })).toBe(3);
    expect(sample(text, 'mail_delivery_failures_total', { outcome: 'retry' })).toBe(1);
    expect(sample(text, 'mail_outbox_depth', { state: 'pending' })).toBe(4);
    expect(sample(text, 'mail_outbox_depth', { state: 'failed' })).toBe(1);
    // Read again at every scrape.
    depth = 0;
    text = (await a.metrics.get('/metrics')).text;
    expect(sample(text, 'mail_outbox_depth', { state: 'pending' })).toBe(0);
    expect(sample(text, 'mail_outbox_depth', { state: 'failed' })).toBeUndefined();
    // A failing source does not fail the scrape.
    metrics.setOutboxDepthSource(async () => {
      throw new Error('database down');
    });
    expect((await a.metrics.get('/metrics')).status).toBe(200);
  });

  it('is served on its own listener, bound like HOST, and not on the public port', async () => {
    const server = a.app.get(MetricsServer);
    const publicPort = (a.app.getHttpServer().address() as { port: number }).port;
    expect(server.port).toBeGreaterThan(0); // METRICS_PORT=0 in tests: a free port
    expect(server.port).not.toBe(publicPort);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const onPublic = await a.http.get('/metrics');
    expect(onPublic.status).toBe(404);
    expect(onPublic.text).not.toContain('http_request_duration_seconds');
    // The listener serves nothing else.
    expect((await a.metrics.get('/health/live')).status).toBe(404);
  });

  it('starts and stops with the application', async () => {
    const c = await startTestApp();
    const url = c.app.get(MetricsServer).url;
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    await c.close();
    await expect(fetch(`${url}/metrics`)).rejects.toThrow();
  });

  it('keeps each application in its own registry', async () => {
    expect(a.app.get(Metrics).registry).not.toBe(b.app.get(Metrics).registry);
    const text = (await b.metrics.get('/metrics')).text;
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/auth/login', status_code: '401' })).toBeUndefined();
    expect(sample(text, 'reset_requests_total', { outcome: 'issued' })).toBeUndefined();
  });
});
