import { startTestApp, TestApp } from './support/app.js';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

describe('security headers and CORS', () => {
  let plain: TestApp;
  let cors: TestApp;

  beforeAll(async () => {
    plain = await startTestApp();
    cors = await startTestApp({ CORS_ORIGINS: 'https://app.example.com, https://admin.example.com/', RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    // In reverse order of start: in-memory PGlite is one instance per process, shared by both.
    await cors?.close();
    await plain?.close();
  });

  it.each([
    ['a success', 'GET', '/health/live', undefined, 200],
    ['a JSON 404', 'GET', '/nope', undefined, 404],
    ['a validation error', 'POST', '/auth/login', {}, 400],
    ['an unauthorized answer', 'GET', '/auth/me', undefined, 401],
    ['the Swagger UI', 'GET', '/docs', undefined, 200],
  ])('are on %s', async (_name, method, path, body, status) => {
    const res = await plain.http.request(method, path, body);
    expect(res.status).toBe(status);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
    const csp = res.headers.get('content-security-policy');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('are on a 415 refused before routing and on a 429', async () => {
    const unsupported = await plain.http.post('/auth/login', undefined, { raw: 'x', headers: { 'content-type': 'text/plain' } });
    expect(unsupported.status).toBe(415);
    expect(unsupported.headers.get('x-content-type-options')).toBe('nosniff');
    let limited;
    for (let i = 0; i < 5; i++) limited = await cors.http.post('/auth/login', { username: 'nobody', password: 'Wrong-Password-1!' });
    expect(limited!.status).toBe(429);
    expect(limited!.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('CORS is off without CORS_ORIGINS: no Access-Control headers, preflights are not answered', async () => {
    const preflight = await plain.http.request('OPTIONS', '/auth/login', undefined, {
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBe(404);
    const simple = await plain.http.get('/health/live', { headers: { origin: 'https://app.example.com' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('CORS_ORIGINS allows exactly the listed origins', async () => {
    const preflight = await cors.http.request('OPTIONS', '/auth/login', undefined, {
      headers: {
        origin: 'https://admin.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const simple = await cors.http.get('/health/live', { headers: { origin: 'https://app.example.com' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(simple.headers.get('access-control-expose-headers')).toContain('X-Request-Id');

    const other = await cors.http.request('OPTIONS', '/auth/login', undefined, {
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const otherSimple = await cors.http.get('/health/live', { headers: { origin: 'https://evil.example.com' } });
    expect(otherSimple.headers.get('access-control-allow-origin')).toBeNull();
  });
});
