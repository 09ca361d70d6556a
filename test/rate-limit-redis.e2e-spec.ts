import { startTestApp, TestApp } from './support/app.js';
import { statuses, WRONG_LOGIN, xff } from './support/rate-limit.js';
import { freshClientIp, requireRedis, TEST_REDIS_URL } from './support/redis.js';


// Needs Redis (TEST_REDIS_URL); jest.config.js leaves this suite out, saying so, when Redis does not answer.
describe('per-client-IP rate limits', () => {
  describe('shared by replicas through Redis (REDIS_URL)', () => {
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      await requireRedis();
      const env = { RATE_LIMIT_PER_MINUTE: '12', TRUST_PROXY: 'true', REDIS_URL: TEST_REDIS_URL };
      a = await startTestApp(env);
      // The second replica on the same database, as behind a load balancer.
      b = await startTestApp({ ...env, DATABASE_URL: a.db.url });
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
    });

    it('two instances share one per-IP budget: a client cannot multiply it by the number of replicas', async () => {
      const ip = freshClientIp();
      const replicas = [a, b];
      const got = await statuses(13, (i) => replicas[i % 2].http.get('/auth/me', xff(ip)));
      expect(got.slice(0, 12)).toEqual(Array(12).fill(401));
      expect(got[12]).toBe(429);
      // Blocked on both replicas now.
      expect((await a.http.get('/auth/me', xff(ip))).status).toBe(429);
      expect((await b.http.get('/auth/me', xff(ip))).status).toBe(429);
    });

    it('and one strict budget', async () => {
      const ip = freshClientIp();
      const got = await statuses(3, (i) => [a, b][i % 2].http.post('/auth/login', WRONG_LOGIN, xff(ip)));
      expect(got).toEqual([401, 401, 429]);
    });
  });
});
