import { DataSource, type DataSourceOptions } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { openMigratedPGlite } from '../../test/support/migrated-database.js';
import { AppConfig } from '../config/app-config.js';
import { parseEnv } from '../config/env.js';
import { typeOrmOptions } from '../database/database.module.js';
import { SendThrottleHit } from './send-throttle-hit.entity.js';
import { SendThrottleHitRepository } from './send-throttle-hit.repository.js';
import { PostgresSendThrottle } from './send-throttle.js';

/** The PostgreSQL send throttle on a migrated database (PGlite, or the server DATABASE_URL names). */
describe('PostgresSendThrottle', () => {
  let database: TestDatabase;
  let db: DataSource;
  let throttle: PostgresSendThrottle;
  let seq = 0;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    if (database.url === 'memory://') await openMigratedPGlite();
    const config = new AppConfig(
      parseEnv({
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        JWT_ALG: 'HS256',
        JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
        RESET_SECRET: 'test-reset-secret-0123456789abcdef012345678',
        RESET_SEND_LIMIT: '2',
        RESET_SEND_WINDOW_SECONDS: '1',
      }),
    );
    db = new DataSource({ ...((await typeOrmOptions(config)) as DataSourceOptions), entities: [SendThrottleHit], migrationsRun: false });
    await db.initialize();
    throttle = new PostgresSendThrottle(new SendThrottleHitRepository(), config);
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

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
