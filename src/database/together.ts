/**
 * Runs statements of one transaction that depend neither on one another's results nor on their
 * order, and returns their results in the order given. They reach the database in no promised
 * order (TypeORM's query builders take different numbers of steps before they send: on PGlite
 * an insert issued right after an update ran first), so a pair whose order matters is one
 * statement or is awaited in turn. On a PostgreSQL server the pool pipelines a connection's
 * queries (`pipeline` in DatabaseModule), so statements issued before the previous answer has
 * arrived travel together: one round trip instead of one each, which saves the service and the
 * server a socket write, a read and a wake-up per statement. On PGlite they run one after the
 * other, as before.
 *
 * Unlike Promise.all it waits for every one of them before it fails, and then throws the first
 * failure (the later ones are usually "current transaction is aborted"): the transaction must not
 * roll back and hand its connection on while one of them still has a statement to issue.
 */
export async function together<T extends readonly unknown[]>(...work: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  let failure: { error: unknown } | undefined;
  const results = await Promise.all(
    work.map((promise) =>
      promise.catch((error: unknown) => {
        failure ??= { error };
        return undefined;
      }),
    ),
  );
  if (failure) throw failure.error;
  return results as unknown as T;
}
