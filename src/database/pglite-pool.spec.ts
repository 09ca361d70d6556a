import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { withConnectionPriority } from './connection-priority.js';
import { serializedPGliteDriver } from './pglite-pool.js';

/**
 * PGlite is one connection. On a PostgreSQL server two TypeORM transactions run on two
 * connections and cannot see or undo each other's work; these tests prove the serialized
 * pool gives the same guarantee on PGlite, and that the stock driver does not.
 */
async function openDataSource(driver: unknown): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'postgres', driver, entities: [], synchronize: false, logging: false });
  await dataSource.initialize();
  await dataSource.query('CREATE TABLE items (id serial PRIMARY KEY, owner text NOT NULL)');
  return dataSource;
}

async function owners(dataSource: DataSource): Promise<string[]> {
  const rows: { owner: string }[] = await dataSource.query('SELECT owner FROM items ORDER BY owner');
  return rows.map((r) => r.owner);
}

/** Two transactions started together: `a` commits, `b` fails and rolls back. */
async function commitAndRollbackConcurrently(dataSource: DataSource): Promise<void> {
  const a = dataSource.transaction(async (tx) => {
    await tx.query(`INSERT INTO items (owner) VALUES ('a')`);
    await sleep(40);
  });
  const b = dataSource.transaction(async (tx) => {
    await tx.query(`INSERT INTO items (owner) VALUES ('b')`);
    await sleep(60);
    throw new Error('b fails');
  });
  const results = await Promise.allSettled([a, b]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
}

describe('serializedPGliteDriver', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openDataSource(serializedPGliteDriver({}));
  });
  afterAll(() => dataSource.destroy());
  beforeEach(() => dataSource.query('TRUNCATE items'));

  it('runs concurrent transactions one after the other, never interleaved', async () => {
    const log: string[] = [];
    const run = (owner: string) =>
      dataSource.transaction(async (tx) => {
        log.push(`${owner}:begin`);
        await tx.query('INSERT INTO items (owner) VALUES ($1)', [owner]);
        await sleep(30);
        const seen: { owner: string }[] = await tx.query('SELECT owner FROM items ORDER BY owner');
        log.push(`${owner}:commit`);
        return seen.map((r) => r.owner);
      });

    const [seenByA, seenByB] = await Promise.all([run('a'), run('b')]);

    // Each transaction ran from BEGIN to COMMIT without the other in between.
    expect([log.slice(0, 2), log.slice(2)].map((pair) => pair.map((e) => e.split(':')[0]))).toEqual(
      log[0].startsWith('a') ? [['a', 'a'], ['b', 'b']] : [['b', 'b'], ['a', 'a']],
    );
    // The first saw only its own (then uncommitted) row; the second saw the first's committed row and its own.
    const [first, second] = log[0].startsWith('a') ? [seenByA, seenByB] : [seenByB, seenByA];
    expect(first).toHaveLength(1);
    expect(second).toEqual(['a', 'b']);
    expect(await owners(dataSource)).toEqual(['a', 'b']);
  });

  it('a rollback in one transaction does not undo a concurrent one, nor does a commit keep the other', async () => {
    await commitAndRollbackConcurrently(dataSource);
    expect(await owners(dataSource)).toEqual(['a']);
  });

  it('gives the connection to the next caller after a failed transaction', async () => {
    await expect(
      dataSource.transaction(async (tx) => {
        await tx.query('SELECT 1/0');
      }),
    ).rejects.toThrow(/division by zero/);
    await expect(dataSource.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('serves many concurrent queries and transactions without losing any', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? dataSource.transaction((tx) => tx.query('INSERT INTO items (owner) VALUES ($1)', [`t${i}`]))
          : dataSource.query('INSERT INTO items (owner) VALUES ($1)', [`q${i}`]),
      ),
    );
    expect(await owners(dataSource)).toHaveLength(20);
  });

  it('lets the event loop run between turns, so sockets and timers are not starved by a queue of transactions', async () => {
    const done: number[] = [];
    const transactions = Array.from({ length: 20 }, (_, i) =>
      dataSource.transaction((tx) => tx.query('SELECT 1')).then(() => done.push(i)),
    );
    let doneWhenTheLoopRan = -1;
    setImmediate(() => (doneWhenTheLoopRan = done.length));
    await Promise.all(transactions);
    expect(doneWhenTheLoopRan).toBeGreaterThanOrEqual(0);
    expect(doneWhenTheLoopRan).toBeLessThan(transactions.length);
  });

  it('gives the next turn to a caller inside withConnectionPriority, ahead of callers already waiting', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holder = dataSource.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await held;
    });
    await sleep(20);
    const waiting = ['w1', 'w2', 'w3'].map((name) => dataSource.query('SELECT 1').then(() => order.push(name)));
    await sleep(20);
    const urgent = withConnectionPriority(() => dataSource.query('SELECT 1')).then(() => order.push('urgent'));
    await sleep(20);
    release();
    await Promise.all([holder, ...waiting, urgent]);
    expect(order).toEqual(['urgent', 'w1', 'w2', 'w3']);
  });
});

describe('the stock typeorm-pglite driver (the reason the serialized pool exists)', () => {
  it('lets concurrent transactions share one session, so a commit or rollback hits both', async () => {
    const dataSource = await openDataSource(new PGliteDriver({}).driver);
    try {
      await commitAndRollbackConcurrently(dataSource);
      // On a real server (and with serializedPGliteDriver) this would be ['a'].
      expect(await owners(dataSource)).not.toEqual(['a']);
    } finally {
      await dataSource.destroy();
    }
  });
});
