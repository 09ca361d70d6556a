import { DataSource } from 'typeorm';
import { Redis } from 'ioredis';
import { SEND_THROTTLE_KEY_PREFIX } from '../src/reset/redis-send-throttle.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount } from './support/accounts.js';
import { requireRedis, TEST_REDIS_URL } from './support/redis.js';

const SEND = '/api/auth/forgotPassword/sendEmail';

/** The per-account send throttle with REDIS_URL: one budget in Redis for every replica. */
describe('per-account send throttle in Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    await requireRedis();
    redis = new Redis(TEST_REDIS_URL);
    const env = { REDIS_URL: TEST_REDIS_URL, RESET_SEND_LIMIT: '3', RESET_SEND_WINDOW_SECONDS: '600' };
    a = await startTestApp(env);
    b = await startTestApp({ ...env, DATABASE_URL: a.db.url });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.quit();
  });

  it('two replicas share one budget per account, kept in Redis (not in PostgreSQL)', async () => {
    const account = await createAccount(a);
    const replicas = [a, b, a, b, a];
    const got: number[] = [];
    for (const r of replicas) got.push((await r.http.post(SEND, { username: account.username })).status);
    expect(got).toEqual([200, 200, 200, 429, 429]);
    const blocked = await b.http.post(SEND, { username: account.username });
    expect(blocked.body).toEqual({ msg: expect.any(String), error_code: 'too_many_requests' });
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(590);
    expect(retryAfter).toBeLessThanOrEqual(600);

    expect(await redis.zcard(`${SEND_THROTTLE_KEY_PREFIX}account:${account.id}`)).toBe(3);
    const pttl = await redis.pttl(`${SEND_THROTTLE_KEY_PREFIX}account:${account.id}`);
    expect(pttl).toBeGreaterThan(590_000);
    const [{ count }] = await a.app.get(DataSource).query(`SELECT count(*)::int AS count FROM send_throttle_hits`);
    expect(count).toBe(0);

    // Another account has its own budget.
    const other = await createAccount(b);
    expect((await b.http.post(SEND, { username: other.username })).status).toBe(200);
  });

  it('holds the limit under concurrent requests through both replicas', async () => {
    const account = await createAccount(a);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => [a, b][i % 2].http.post(SEND, { username: account.username })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
  });

  it('falls back to PostgreSQL when Redis cannot answer, so the limit never lapses', async () => {
    const t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1', RESET_SEND_LIMIT: '2' });
    try {
      const account = await createAccount(t);
      const got: number[] = [];
      for (let i = 0; i < 3; i++) got.push((await t.http.post(SEND, { username: account.username })).status);
      expect(got).toEqual([200, 200, 429]);
      const [{ count }] = await t.app.get(DataSource).query(
        `SELECT count(*)::int AS count FROM send_throttle_hits WHERE subject = $1`,
        [`account:${account.id}`],
      );
      expect(count).toBe(2);
    } finally {
      await t.close();
    }
  });
});
