import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { TypeORMError } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { isDatabaseUnavailable, sqlState } from '../database/pg.js';
import { ResetError } from './reset-errors.js';

/**
 * What an unexpected failure inside a reset operation means, in the core's terms: a database
 * error becomes a 500 `database_failure` (cause kept for the log, never in a body). ApiErrors
 * pass through, and so does an unreachable database, which the exception filter answers with
 * 503 `service_unavailable` for every contract that has such a status.
 */
export function asResetFailure(err: unknown): unknown {
  if (err instanceof ApiError || isDatabaseUnavailable(err)) return err;
  if (sqlState(err) !== undefined || err instanceof TypeORMError) return new ResetError('database_failure', err);
  return err;
}

/**
 * Binds asResetFailure to a route handler that sets a password through the reset core
 * (`@UseInterceptors(ResetFailuresInterceptor)`): whatever the handler throws goes through it
 * before the exception filter answers.
 */
@Injectable()
export class ResetFailuresInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((err: unknown) => throwError(() => asResetFailure(err))));
  }
}

/** Runs a hasher call; whatever it throws becomes a 500 `hash_failure`. */
export async function hashing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof ApiError ? err : new ResetError('hash_failure', err);
  }
}
