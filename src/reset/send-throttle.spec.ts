import { DataSource } from 'typeorm';
import { migratedDataSource } from '../../test/support/database.js';
import type { AppConfig } from '../config/app-config.js';
import { SendThrottleHit } from './send-throttle-hit.entity.js';
import { SendThrottleHitRepository } from './send-throttle-hit.repository.js';
import { PostgresSendThrottle, RequestBudgets, SendThrottle } from './send-throttle.js';

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

  describe.each([
    ['in two statements (PostgreSQL)', () => throttle],
    // What every other storage does (the Redis throttle): one take() per budget, in order.
    ['one budget at a time (the default)', () => new (class extends SendThrottle { take = throttle.take.bind(throttle) })()],
  ])('takeRequest, %s', (_label, storage: () => SendThrottle) => {
    const budgets = (): RequestBudgets => ({
      name: `name:spec-${++seq}`,
      account: `account:spec-${++seq}`,
      mailboxes: [`mailbox:spec-${++seq}`, `mailbox:spec-${++seq}`],
    });
    const takeRequest = (b: RequestBudgets) => db.transaction((tx) => storage().takeRequest(tx, b));

    it('counts the name, the account and every mailbox while their budgets allow it', async () => {
      const b = budgets();
      expect(await takeRequest(b)).toEqual({ nameWait: null, accountWait: null, mailboxes: b.mailboxes });
      for (const subject of [b.name, b.account, ...b.mailboxes]) expect(await rowsOf(subject)).toBe(1);
    });

    it('counts nothing else when the name budget is spent', async () => {
      const b = budgets();
      await take(b.name);
      await take(b.name);
      const taken = await takeRequest(b);
      expect(taken.nameWait).toBeGreaterThan(0);
      expect(taken).toMatchObject({ accountWait: null, mailboxes: [] });
      for (const subject of [b.account, ...b.mailboxes]) expect(await rowsOf(subject)).toBe(0);
      expect(await rowsOf(b.name)).toBe(2);
    });

    it('counts the name but no mailbox when the account budget is spent', async () => {
      const b = budgets();
      await take(b.account);
      await take(b.account);
      const taken = await takeRequest(b);
      expect(taken.nameWait).toBeNull();
      expect(taken.accountWait).toBeGreaterThan(0);
      expect(taken.mailboxes).toEqual([]);
      expect(await rowsOf(b.name)).toBe(1);
      for (const subject of b.mailboxes) expect(await rowsOf(subject)).toBe(0);
    });

    it('leaves out a mailbox whose budget is spent, and counts the others', async () => {
      const b = budgets();
      await take(b.mailboxes[0]);
      await take(b.mailboxes[0]);
      expect(await takeRequest(b)).toEqual({ nameWait: null, accountWait: null, mailboxes: [b.mailboxes[1]] });
      expect(await rowsOf(b.mailboxes[0])).toBe(2);
    });

    it('never lets concurrent requests through different names past the account budget', async () => {
      const shared = budgets();
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, () => takeRequest({ ...budgets(), account: shared.account, mailboxes: shared.mailboxes })),
      );
      expect(outcomes.filter((o) => o.accountWait === null)).toHaveLength(2);
      expect(await rowsOf(shared.account)).toBe(2);
      for (const subject of shared.mailboxes) expect(await rowsOf(subject)).toBe(2);
    });
  });
});
