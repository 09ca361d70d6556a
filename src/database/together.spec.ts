import { DataSource } from 'typeorm';
import { migratedDataSource } from '../../test/support/database.js';
import { sqlState } from './pg.js';
import { together } from './together.js';

describe('together', () => {
  it('returns the results in the order given', async () => {
    const later = new Promise<string>((resolve) => setTimeout(() => resolve('b'), 20));
    expect(await together(later, Promise.resolve(1))).toEqual(['b', 1]);
  });

  it('fails only once every one of them has settled, with the first failure', async () => {
    let slowFinished = false;
    const slow = new Promise<void>((resolve) =>
      setTimeout(() => {
        slowFinished = true;
        resolve();
      }, 50),
    );
    const failure = await together(slow, Promise.reject(new Error('first')), new Promise((_, reject) => setTimeout(() => reject(new Error('second')), 10))).catch(
      (err: unknown) => ({ err, slowFinished }),
    );
    expect(failure).toEqual({ err: new Error('first'), slowFinished: true });
  });

  /** On a migrated database: PGlite, or the server DATABASE_URL names (with the pool's pipelining). */
  describe('in a transaction', () => {
    let db: DataSource;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ db, close } = await migratedDataSource([]));
      await db.query('CREATE TABLE together_spec (n int PRIMARY KEY)');
    });
    afterAll(() => close());

    const rows = async () => ((await db.query('SELECT n FROM together_spec ORDER BY n')) as { n: number }[]).map((r) => r.n);

    it('issues the statements together and commits them together', async () => {
      const results = await db.transaction((tx) =>
        together(
          tx.query('INSERT INTO together_spec VALUES (1) RETURNING n'),
          tx.query('INSERT INTO together_spec VALUES (2) RETURNING n'),
          tx.query('SELECT count(*)::int AS n FROM together_spec'),
        ),
      );
      expect(results).toEqual([[{ n: 1 }], [{ n: 2 }], [{ n: 2 }]]);
      expect(await rows()).toEqual([1, 2]);
      await db.query('DELETE FROM together_spec');
    });

    it("throws the statement's own error, not the aborted transaction's of those after it, and rolls every one back", async () => {
      // The first task's second statement goes out after the division, so it fails as "current
      // transaction is aborted" (25P02); the division (22012) failed first.
      const err = await db
        .transaction((tx) =>
          together(
            (async () => {
              await tx.query('INSERT INTO together_spec VALUES (3)');
              await tx.query('INSERT INTO together_spec VALUES (4)');
            })(),
            tx.query('SELECT 1 / 0'),
            tx.query('INSERT INTO together_spec VALUES (5)'),
          ),
        )
        .catch((e: unknown) => e);
      expect(sqlState(err)).toBe('22012');
      expect(await rows()).toEqual([]);
    });
  });
});
