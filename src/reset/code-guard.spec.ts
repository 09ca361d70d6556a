import { DataSource } from 'typeorm';
import { migratedDataSource } from '../../test/support/database.js';
import type { AppConfig } from '../config/app-config.js';
import { CodeFailure, CodeFailureAlert } from './code-failure.entity.js';
import { CodeFailureRepository } from './code-failure.repository.js';
import { CodeGuard } from './code-guard.js';

/** The ceiling on wrong codes on a migrated database (PGlite, or the server DATABASE_URL names). */
describe('CodeGuard', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let guard: CodeGuard;
  let seq = 0;

  beforeAll(async () => {
    let config: AppConfig;
    ({ db, config, close } = await migratedDataSource([CodeFailure, CodeFailureAlert], { RESET_MAX_CODE_FAILURES: '3', RESET_CODE_FAILURE_WINDOW_SECONDS: '3600' }));
    guard = new CodeGuard(new CodeFailureRepository(db.getRepository(CodeFailure)), config);
  });
  afterAll(() => close());

  const reserve = (subject: string) => db.transaction((tx) => guard.reserve(tx, subject));
  const rowsOf = (subject: string) => db.getRepository(CodeFailure).countBy({ subject });

  it('gives RESET_MAX_CODE_FAILURES slots, says which one reaches the ceiling, then refuses without counting', async () => {
    const subject = `account:spec-${++seq}`;
    const slots = [await reserve(subject), await reserve(subject), await reserve(subject)];
    expect(slots.map((s) => s?.reachedCeiling)).toEqual([false, false, true]);
    expect(new Set(slots.map((s) => s?.id)).size).toBe(3);
    expect(await reserve(subject)).toBeNull();
    expect(await rowsOf(subject)).toBe(3);
  });

  it('gives a slot back, and drops failures that have left the window when it counts a new one', async () => {
    const subject = `account:spec-${++seq}`;
    const slot = await reserve(subject);
    await guard.release(slot!.id);
    expect(await rowsOf(subject)).toBe(0);
    await db.query(`INSERT INTO code_failures (subject, failed_at) SELECT $1, now() - interval '2 hours' FROM generate_series(1, 3)`, [subject]);
    expect(await reserve(subject)).toMatchObject({ reachedCeiling: false });
    expect(await rowsOf(subject)).toBe(1);
  });

  it('never gives more slots than the ceiling to concurrent tries', async () => {
    const subject = `account:spec-${++seq}`;
    const slots = await Promise.all(Array.from({ length: 8 }, () => reserve(subject)));
    expect(slots.filter((s) => s !== null)).toHaveLength(3);
    expect(await rowsOf(subject)).toBe(3);
  });

  it('lifts the ceilings of every subject it is given, and only those', async () => {
    const [a, b, other] = [`account:spec-${++seq}`, `hidden:spec-${seq}`, `account:spec-${++seq}`];
    for (const subject of [a, a, a, b, other]) await reserve(subject);
    await db.transaction((tx) => guard.firstAlert(tx, a));
    await db.transaction((tx) => guard.clear(tx, [a, b]));
    expect([await rowsOf(a), await rowsOf(b), await rowsOf(other)]).toEqual([0, 0, 1]);
    expect(await db.getRepository(CodeFailureAlert).countBy({ subject: a })).toBe(0);
    expect(await reserve(a)).not.toBeNull();
  });
});
