import { DataSource } from 'typeorm';
import { migratedDataSource } from '../../test/support/database.js';
import type { AppConfig } from '../config/app-config.js';
import { LoginFailure } from './login-failure.entity.js';
import { LoginFailureRepository } from './login-failure.repository.js';
import { LoginThrottle } from './login-throttle.js';

/** The login throttle on a migrated database (PGlite, or the server DATABASE_URL names). */
describe('LoginThrottle', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let throttle: LoginThrottle;
  let seq = 0;

  beforeAll(async () => {
    let config: AppConfig;
    ({ db, config, close } = await migratedDataSource([LoginFailure], {
      LOGIN_MAX_FAILURES: '2',
      LOGIN_FAILURE_WINDOW_SECONDS: '1',
      LOGIN_MAX_ACCOUNT_FAILURES: '3',
      LOGIN_ACCOUNT_WINDOW_SECONDS: '60',
      LOGIN_MAX_FAILURES_PER_IP: '4',
    }));
    throttle = new LoginThrottle(new LoginFailureRepository(db.getRepository(LoginFailure)), config);
  });
  afterAll(() => close());

  const name = () => `spec-${++seq}`;
  const ip = () => `192.0.2.${++seq % 250}`;
  const outcome = (identifier: string, clientIp: string) =>
    throttle.reserve(identifier, clientIp).then(
      (attempt) => ({ ok: true as const, attempt }),
      (err: { status?: number; headers?: Record<string, string> }) => ({ ok: false as const, err }),
    );
  const failureRows = () => db.getRepository(LoginFailure).count();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('counts a try against its name at its address, its name and its address, then refuses with 429 and counts nothing', async () => {
    const [who, from] = [name(), ip()];
    const before = await failureRows();
    const first = await outcome(who, from);
    expect(first.ok).toBe(true);
    if (first.ok) expect(first.attempt.ids).toHaveLength(3);
    expect((await outcome(who, from)).ok).toBe(true);
    expect(await failureRows()).toBe(before + 6);

    const third = await outcome(who, from);
    expect(third).toMatchObject({ ok: false, err: { status: 429 } });
    const retryAfter = Number(!third.ok && third.err.headers?.['Retry-After']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(1);
    expect(await failureRows()).toBe(before + 6);
    // The same name from another address still has tries (until its own limit of 3).
    expect((await outcome(who, ip())).ok).toBe(true);
    expect(await outcome(who, ip())).toMatchObject({ ok: false, err: { status: 429 } });
  });

  it('lets a name try again once its failures have left the window', async () => {
    const [who, from] = [name(), ip()];
    await outcome(who, from);
    await outcome(who, from);
    expect((await outcome(who, from)).ok).toBe(false);
    await sleep(1100);
    expect((await outcome(who, from)).ok).toBe(true);
  });

  it('gives the try back on success, with every failure of the name at that address', async () => {
    const [who, from] = [name(), ip()];
    const before = await failureRows();
    await outcome(who, from);
    const second = await outcome(who, from);
    if (!second.ok) throw new Error('expected a try');
    await throttle.succeeded(second.attempt);
    // Left: the first try's failures of the name (every address) and of the address.
    expect(await failureRows()).toBe(before + 2);
    expect((await outcome(who, from)).ok).toBe(true);
  });

  it('never lets concurrent tries past a limit', async () => {
    const [who, from] = [name(), ip()];
    const before = await failureRows();
    // Every connection of the pool open first, so that the tries run side by side on the server
    // instead of waiting for connections one after another (PGlite has one connection).
    const poolSize = (db.options as { extra?: { max?: number } }).extra?.max ?? 1;
    await Promise.all(Array.from({ length: poolSize }, () => db.query('SELECT pg_sleep(0.02)')));
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => outcome(who, from)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    expect(await failureRows()).toBe(before + 6);
  });

  it('locks several subjects in one order, so tries that share some of them do not deadlock', async () => {
    const from = ip();
    const names = Array.from({ length: 4 }, name);
    // Each try locks its name, its name at the address and the address; the address is shared.
    const outcomes = await Promise.all(names.flatMap((who) => [outcome(who, from), outcome(who, from)]));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(4); // the address's limit
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.err.status === 429)).toBe(true);
  });
});
