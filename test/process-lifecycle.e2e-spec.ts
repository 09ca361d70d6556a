import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, readDiagnosticReport } from './support/built-app.js';
import { eventually } from './support/events.js';
import { freePort } from './support/net.js';
import { ServerProcess } from './support/server-process.js';

/**
 * What only a real process shows: signals, exit codes and stdout. `node dist/main.js` in
 * development mode on in-memory PGlite.
 */
describe('process lifecycle (node dist/main.js)', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeAll(() => ensureBuilt(), 180_000);
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
  });
  afterEach(() => {
    server?.kill();
    server = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>): Promise<ServerProcess> {
    server = new ServerProcess({ DATABASE_URL: 'memory://', DATA_DIR: dataDir, ...env }, await freePort());
    await server.waitUntilUp();
    return server;
  }

  it('on SIGTERM lets the in-flight request finish, then exits 0; logs JSON at LOG_LEVEL=info', async () => {
    // bcrypt at cost 14 keeps the registration busy for a good while after the signal.
    const s = await start({ LOG_LEVEL: 'info', BCRYPT_COST: '14' });
    await fetch(`${s.url}/health/live`);
    let respondedAt = 0;
    const inFlight = fetch(`${s.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'in-flight-1' },
      body: JSON.stringify({ username: 'sigterm.user', password: 'StrongPassword123!' }),
    }).then((r) => ((respondedAt = Date.now()), r));
    await new Promise((r) => setTimeout(r, 150));
    const signalledAt = s.signal('SIGTERM');
    const res = await inFlight;
    expect(respondedAt).toBeGreaterThan(signalledAt); // it really was in flight
    expect(res.headers.get('connection')).toBe('close');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ username: 'sigterm.user' });
    const exit = await s.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(10_000);
    // No longer listening.
    await expect(fetch(`${s.url}/health/live`)).rejects.toThrow();

    const records = s.records();
    expect(records.length).toBeGreaterThan(0);
    expect(s.stdout.split('\n').filter(Boolean).every((l) => l.startsWith('{'))).toBe(true);
    expect(records.find((r) => /listening on/.test(r.msg))).toBeDefined();
    const line = records.find((r) => r.req?.id === 'in-flight-1');
    expect(line).toMatchObject({ msg: 'request completed', route: '/auth/register', res: { statusCode: 201 } });
    expect(line!.responseTime).toBeGreaterThan(0);
    // Probes are debug lines, not written at info.
    expect(records.find((r) => r.route === '/health/live')).toBeUndefined();
  }, 120_000);

  it('with PORT=0 logs the port the system chose, and serves on it', async () => {
    server = new ServerProcess({ DATABASE_URL: 'memory://', DATA_DIR: dataDir, LOG_LEVEL: 'info' }, 0);
    const deadline = Date.now() + 60_000;
    let line: Record<string, any> | undefined;
    while (!(line = server.records().find((r) => /listening on/.test(r.msg))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const port = Number(/listening on 127\.0\.0\.1:(\d+) /.exec(line?.msg ?? '')?.[1]);
    expect(port).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
  }, 120_000);

  it('turns readiness to 503 first and keeps serving through SHUTDOWN_DELAY_MS; LOG_LEVEL=silent writes nothing', async () => {
    const s = await start({ LOG_LEVEL: 'silent', SHUTDOWN_DELAY_MS: '3000' });
    expect((await fetch(`${s.url}/health/ready`)).status).toBe(200);
    const signalledAt = s.signal('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const ready = await fetch(`${s.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ statusCode: 503, error_code: 'service_unavailable' });
    expect(ready.headers.get('connection')).toBe('close');
    // Still serving everything else while the load balancer drains the instance.
    expect((await fetch(`${s.url}/health/live`)).status).toBe(200);
    const login = await fetch(`${s.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nobody', password: 'Wrong-Password-1!' }),
    });
    expect(login.status).toBe(401);
    const exit = await s.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(2900);
    expect(exit.at - signalledAt).toBeLessThan(10_000);
    expect(s.stdout).toBe('');
    expect(s.stderr).toBe('');
  }, 120_000);

  it('answers SIGUSR2 with a diagnostic report (node --report-on-signal) and keeps serving; on SIGINT exits 0', async () => {
    const reports = join(dataDir, 'reports');
    mkdirSync(reports);
    const s = await start({ SHUTDOWN_DELAY_MS: '3000', NODE_OPTIONS: `--report-on-signal --report-directory=${reports}` });
    s.signal('SIGUSR2');
    const report = await eventually(() => {
      const read = readDiagnosticReport(reports);
      return typeof read === 'object' ? read : undefined;
    });
    expect(report).toHaveProperty('javascriptStack');
    // Not a shutdown: still ready after longer than a signal takes to turn readiness to 503.
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${s.url}/health/ready`)).status).toBe(200);
    s.signal('SIGINT');
    expect(await s.exited).toMatchObject({ code: 0, signal: null });
  }, 120_000);
});
