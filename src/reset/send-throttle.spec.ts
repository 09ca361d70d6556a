import { DataSource } from 'typeorm';
import { migratedDataSource } from '../../test/support/database.js';
import type { AppConfig } from '../config/app-config.js';
import { SendThrottleHit } from './send-throttle-hit.entity.js';
import { SendThrottleHitRepository } from './send-throttle-hit.repository.js';
import { PostgresSendThrottle } from './send-throttle.js';

/** The PostgreSQL send throttle on a migrated database (PGlite, or the server DATABASE_URL names). */
describe('PostgresSendThrottle', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let throttle: PostgresSendThrottle;
  let seq = 0;

  beforeAll(async () => {
    let config: AppConfig;
    ({ db, config, close } = await migratedDataSource([SendThrottleHit], { RESET_SEND_LIMIT: '2', RESET_SEND_WINDOW_SECONDS: '1' }));
    throttle = new PostgresSendThrottle(new SendThrottleHitRepository(), config);
  });
  afterAll(() => close());

  const take = (subject: string) => db.transaction((tx) => throttle.take(tx, subject));
  const rowsOf = async (subject: string) => (await db.getRepository(SendThrottleHit).findBy({ subject })).length;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('allows RESET_SEND_LIMIT hits per window, then answers the seconds until the oldest leaves it, counting nothing', async () => {
    const subject = `name:spec-${++seq}`;
    expect(await take(subject)).toBeNull();
    expect(await take(subject)).toBeNull();
    const retryAfter = await take(subject);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(1);
    expect(await rowsOf(subject)).toBe(2);
    // Another subject has a budget of its own.
    expect(await take(`name:spec-${++seq}`)).toBeNull();
  });

  it('allows hits again once the old ones have left the window, and drops those', async () => {
    const subject = `name:spec-${++seq}`;
    expect(await take(subject)).toBeNull();
    expect(await take(subject)).toBeNull();
    await sleep(1100);
    expect(await take(subject)).toBeNull();
    expect(await rowsOf(subject)).toBe(1);
  });

  it('never lets concurrent requests of one subject past the limit', async () => {
    const subject = `name:spec-${++seq}`;
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => take(subject)));
    expect(outcomes.filter((o) => o === null)).toHaveLength(2);
    expect(await rowsOf(subject)).toBe(2);
  });

  it('counts nothing when the transaction that took the hit rolls back', async () => {
    const subject = `name:spec-${++seq}`;
    await expect(
      db.transaction(async (tx) => {
        await throttle.take(tx, subject);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await rowsOf(subject)).toBe(0);
  });
});
