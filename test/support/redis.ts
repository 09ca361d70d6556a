import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis server the shared-state tests use (CI starts one on the default port). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Fails with a clear message when the test Redis does not answer. */
export async function requireRedis(url = TEST_REDIS_URL): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(`these tests need Redis at ${url} (TEST_REDIS_URL): ${(err as Error).message}`);
  } finally {
    client.disconnect();
  }
}

/**
 * A client address of its own for one test (from 198.18.0.0/15, the benchmarking range), sent
 * as X-Forwarded-For to an app with TRUST_PROXY=true: budgets in a shared Redis never collide
 * between tests or runs.
 */
export function freshClientIp(): string {
  return `198.${18 + randomInt(2)}.${randomInt(256)}.${1 + randomInt(254)}`;
}
