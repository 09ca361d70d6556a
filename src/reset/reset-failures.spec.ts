import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { defer, lastValueFrom } from 'rxjs';
import { QueryFailedError } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { ResetError } from './reset-errors.js';
import { asResetFailure, hashing, ResetFailuresInterceptor } from './reset-failures.js';

const sqlError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('asResetFailure', () => {
  it('passes ApiErrors through', () => {
    const err = new ResetError('token_invalid');
    expect(asResetFailure(err)).toBe(err);
  });

  it('leaves an unreachable database to the exception filter (503)', () => {
    const err = sqlError('57P01', 'terminating connection due to administrator command');
    expect(asResetFailure(err)).toBe(err);
  });

  it('turns other database errors into a 500 database_failure that keeps the cause', () => {
    const cause = new QueryFailedError('INSERT INTO mail_outbox ...', [], sqlError('42P01', 'relation "mail_outbox" does not exist'));
    const failure = asResetFailure(cause) as ResetError;
    expect(failure).toBeInstanceOf(ResetError);
    expect([failure.status, failure.code, failure.message]).toEqual([500, 'database_failure', 'A database operation failed']);
    expect(failure.cause).toBe(cause);
    expect(JSON.stringify(failure)).not.toContain('mail_outbox');
  });

  it('leaves programming errors alone (500 internal_error)', () => {
    const err = new TypeError('x is undefined');
    expect(asResetFailure(err)).toBe(err);
  });
});

describe('ResetFailuresInterceptor', () => {
  const interceptor = new ResetFailuresInterceptor();
  const handle = (work: () => Promise<unknown>) =>
    lastValueFrom(interceptor.intercept({} as ExecutionContext, { handle: () => defer(work) } as CallHandler));

  it('translates what the handler throws and keeps its result', async () => {
    await expect(handle(() => Promise.resolve('ok'))).resolves.toBe('ok');
    await expect(handle(() => Promise.reject(sqlError('23502')))).rejects.toMatchObject({ code: 'database_failure', status: 500 });
    await expect(handle(() => Promise.reject(new ApiError(400, 'x', 'y')))).rejects.toMatchObject({ code: 'x' });
  });
});

describe('hashing', () => {
  it('turns any hasher failure into a 500 hash_failure', async () => {
    const cause = new Error('Invalid salt');
    const err = (await hashing(() => Promise.reject(cause)).catch((e: unknown) => e)) as ResetError;
    expect([err.status, err.code, err.message]).toEqual([500, 'hash_failure', 'The password could not be processed']);
    expect(err.cause).toBe(cause);
    await expect(hashing(() => Promise.resolve('hash'))).resolves.toBe('hash');
  });
});
