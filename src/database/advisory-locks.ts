import { EntityManager } from 'typeorm';

/**
 * Takes a transaction-scoped advisory lock on each key, left to right in one statement, and
 * holds them until the transaction ends, across instances. `seed` keeps the keys of one use
 * apart from another's (each throttle table has its own). Callers pass the keys in one order
 * everywhere, so two transactions never wait on each other's locks. Raw SQL: TypeORM has no
 * advisory locks.
 */
export async function lockKeys(tx: EntityManager, seed: number, keys: string[]): Promise<void> {
  const locks = keys.map((_, i) => `pg_advisory_xact_lock(hashtextextended($${i + 1}, ${Math.trunc(seed)}))`);
  await tx.query(`SELECT ${locks.join(', ')}`, keys);
}
