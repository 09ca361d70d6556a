/** PostgreSQL SQLSTATE of an error thrown through TypeORM, pg or PGlite. */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isUniqueViolation = (err: unknown) => sqlState(err) === '23505';

/** The constraint a unique violation broke (pg and PGlite both name it), else undefined. */
export function violatedConstraint(err: unknown): string | undefined {
  const e = err as { constraint?: unknown; driverError?: { constraint?: unknown } };
  const name = e?.driverError?.constraint ?? e?.constraint;
  return isUniqueViolation(err) && typeof name === 'string' ? name : undefined;
}

/**
 * Errors that mean the database cannot be reached right now: class 08, 57P0x, too many
 * connections (53300), a database that refuses connections (55000 "not currently accepting
 * connections", e.g. ALTER DATABASE … ALLOW_CONNECTIONS false) or is gone (3D000), a transaction
 * whose connection died under it, socket errors.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const state = sqlState(err);
  if (state && (state.startsWith('08') || /^(57P0[1-3]|53300|3D000)$/.test(state))) return true;
  if (state === '55000' && /not currently accepting connections/i.test(String((err as Error)?.message))) return true;
  // TypeORM releases a transaction's query runner when its connection dies: the next query
  // or the COMMIT throws one of these.
  if (['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError'].includes((err as Error)?.name)) return true;
  const message = String((err as Error)?.message ?? '');
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection|connection is closed|Cannot use a pool after calling end/i.test(
    message,
  );
}
