import { startTestApp, TestApp } from './support/app.js';
import { statuses, WRONG_LOGIN, xff } from './support/rate-limit.js';
import { freshClientIp } from './support/redis.js';


describe('per-client-IP rate limits', () => {
  describe('in memory, RATE_LIMIT_PER_MINUTE=12 (strict routes: 2)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '12', TRUST_PROXY: 'true' });
    });
    afterAll(() => t?.close());

    it('allows 12 requests a minute per client across all routes, then answers 429 with Retry-After', async () => {
      const ip = freshClientIp();
      const got = await statuses(13, (i) => (i % 2 ? t.http.get('/auth/me', xff(ip)) : t.http.post('/auth/register', {}, xff(ip))));
      expect(got.slice(0, 12).every((s) => s === 401 || s === 400)).toBe(true);
      expect(got[12]).toBe(429);
      const res = await t.http.get('/auth/me', xff(ip));
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ statusCode: 429, error_code: 'too_many_requests', message: expect.any(String) });
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(res.headers.get('cache-control')).toBe('no-store');
      // Another client is not affected.
      expect((await t.http.get('/auth/me', xff(freshClientIp()))).status).toBe(401);
    });

    it('gives login a stricter budget (a sixth) per client', async () => {
      const ip = freshClientIp();
      const got = await statuses(3, () => t.http.post('/auth/login', WRONG_LOGIN, xff(ip)));
      expect(got).toEqual([401, 401, 429]);
      // The general budget of the same client still has room.
      expect((await t.http.get('/auth/me', xff(ip))).status).toBe(401);
      expect((await t.http.post('/auth/login', WRONG_LOGIN, xff(ip))).status).toBe(429);
    });

    it('reports in X-RateLimit-* the budget that runs out first, so the headers never say requests remain before a 429', async () => {
      const ip = freshClientIp();
      const limits = (res: { headers: Headers }) => ({
        limit: res.headers.get('x-ratelimit-limit'),
        remaining: res.headers.get('x-ratelimit-remaining'),
        strict: res.headers.get('x-ratelimit-remaining-strict'),
      });
      // A general route: only the general budget (12) applies.
      expect(limits(await t.http.get('/auth/me', xff(ip)))).toEqual({ limit: '12', remaining: '11', strict: null });
      // Login: the strict budget (2) is the one that runs out first.
      expect(limits(await t.http.post('/auth/login', WRONG_LOGIN, xff(ip)))).toEqual({ limit: '2', remaining: '1', strict: null });
      expect(limits(await t.http.post('/auth/login', WRONG_LOGIN, xff(ip)))).toEqual({ limit: '2', remaining: '0', strict: null });
      const refused = await t.http.post('/auth/login', WRONG_LOGIN, xff(ip));
      expect(refused.status).toBe(429);
      expect(limits(refused)).toMatchObject({ limit: '2', remaining: '0' });
      expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
      // The general budget is unaffected by the strict one: 12 - 4 requests.
      expect(limits(await t.http.get('/auth/me', xff(ip)))).toEqual({ limit: '12', remaining: '7', strict: null });
    });

    it('never limits health probes (metrics are scraped on their own listener)', async () => {
      const ip = freshClientIp();
      const got = await statuses(20, (i) => t.http.get(['/health/live', '/health/ready'][i % 2], xff(ip)));
      expect(got.every((s) => s === 200)).toBe(true);
    });
  });

  it('renders the 429 in the body shape of the contract that owns the route', async () => {
    const t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '6' });
    try {
      // The username-code contract answers `{msg, error_code}`.
      const send = () => t.http.post('/api/auth/forgotPassword/sendEmail', { username: 'nobody' });
      const got = await statuses(2, send);
      expect(got).toEqual([404, 429]);
      const res = await send();
      expect(res.body).toEqual({ msg: expect.any(String), error_code: 'too_many_requests' });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it('RATE_LIMIT_PER_MINUTE=0 turns per-IP limiting off', async () => {
    const t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    try {
      // A name per try: failed logins of one name are throttled (LOGIN_MAX_FAILURES), known or not.
      const got = await statuses(30, (i) => t.http.post('/auth/login', { ...WRONG_LOGIN, username: `${WRONG_LOGIN.username}-${i}` }));
      expect(got.every((s) => s === 401)).toBe(true);
      expect((await t.http.get('/auth/me')).headers.get('x-ratelimit-limit')).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY=true, so clients cannot forge a fresh budget', async () => {
    const t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '6' });
    try {
      const got = await statuses(2, () => t.http.post('/auth/login', WRONG_LOGIN, xff(freshClientIp())));
      expect(got).toEqual([401, 429]);
    } finally {
      await t.close();
    }
  });

  it('TRUST_PROXY=true takes the address the proxy in front appended, so a forged first entry gives no fresh budget', async () => {
    const t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '6', TRUST_PROXY: 'true' });
    try {
      const client = freshClientIp();
      // What a proxy that appends to X-Forwarded-For passes on when the client sent its own header.
      const got = await statuses(2, () => t.http.post('/auth/login', WRONG_LOGIN, xff(`${freshClientIp()}, ${client}`)));
      expect(got).toEqual([401, 429]);
    } finally {
      await t.close();
    }
  });

  it('TRUST_PROXY=2 trusts two proxies: the client is the address the outer one appended', async () => {
    const t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '6', TRUST_PROXY: '2' });
    try {
      const client = freshClientIp();
      // forged, client (appended by the outer proxy), outer proxy (appended by the inner one)
      const got = await statuses(2, (i) =>
        t.http.post('/auth/login', WRONG_LOGIN, xff(`${freshClientIp()}, ${client}, 10.0.${i}.1`)),
      );
      expect(got).toEqual([401, 429]);
      // Another client behind the same proxies has its own budget.
      expect((await t.http.post('/auth/login', WRONG_LOGIN, xff(`${freshClientIp()}, 10.0.0.1`))).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('with memory storage, each instance counts on its own (shared budgets need REDIS_URL)', async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '6', TRUST_PROXY: 'true' };
    const m1 = await startTestApp(env);
    const m2 = await startTestApp({ ...env, DATABASE_URL: m1.db.url });
    try {
      const ip = freshClientIp();
      const got = await statuses(4, (i) => [m1, m2][i % 2].http.post('/auth/login', WRONG_LOGIN, xff(ip)));
      expect(got).toEqual([401, 401, 429, 429]);
    } finally {
      await m2.close();
      await m1.close();
    }
  });

  it('lets requests through when Redis is unreachable (fails open) instead of failing them', async () => {
    const t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '6', REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const started = Date.now();
      const got = await statuses(4, () => t.http.post('/auth/login', WRONG_LOGIN));
      expect(got).toEqual([401, 401, 401, 401]);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect((await t.http.get('/health/ready')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('without RATE_LIMIT_PER_MINUTE outside production, allows 600 a minute (100 on reset-request routes), so exploring never hits it', async () => {
    const t = await startTestApp({ RATE_LIMIT_PER_MINUTE: undefined });
    try {
      const got = await statuses(15, (i) => t.http.post('/api/auth/forgotPassword/sendEmail', { username: `nobody-${i}` }));
      expect(got.every((s) => s === 404)).toBe(true);
      const res = await t.http.post('/api/auth/forgotPassword/sendEmail', { username: 'nobody-else' });
      expect(res.headers.get('x-ratelimit-limit')).toBe('100');
      expect(res.headers.get('x-ratelimit-remaining')).toBe('84');
      expect((await t.http.get('/auth/me')).headers.get('x-ratelimit-limit')).toBe('600');
    } finally {
      await t.close();
    }
  });
});
