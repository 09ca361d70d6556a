import { ApiError } from '../common/api-error.js';

/** What can go wrong in a reset, independent of any contract's wording. */
export type ResetErrorCode =
  | 'unknown_account'
  | 'no_email_addresses'
  | 'no_reset_requested'
  | 'code_incorrect'
  | 'code_expired'
  | 'rate_limit_exceeded'
  | 'token_missing'
  | 'token_invalid'
  | 'token_expired'
  | 'account_deleted'
  | 'password_mismatch'
  | 'current_password_incorrect'
  | 'same_password'
  | 'email_mismatch'
  | 'hash_failure'
  | 'database_failure'
  | 'post_commit_failure';

const DEFAULTS: Record<ResetErrorCode, { status: number; message: string }> = {
  unknown_account: { status: 404, message: 'No account matches' },
  no_email_addresses: { status: 400, message: 'There are no email addresses for this account' },
  no_reset_requested: { status: 400, message: 'There was no code for a password reset requested' },
  code_incorrect: { status: 400, message: 'The code is incorrect' },
  code_expired: { status: 400, message: 'The code has expired; request a new one' },
  rate_limit_exceeded: { status: 400, message: 'Rate limit exceeded; request a new code' },
  token_missing: { status: 401, message: 'The password reset token is missing' },
  token_invalid: { status: 401, message: 'The password reset token is invalid or was already used' },
  token_expired: { status: 401, message: 'The password reset token has expired' },
  account_deleted: { status: 404, message: 'The account no longer exists' },
  password_mismatch: { status: 400, message: 'The passwords do not match' },
  current_password_incorrect: { status: 400, message: 'The current password is incorrect' },
  same_password: { status: 400, message: 'The new password must differ from the current one' },
  email_mismatch: { status: 403, message: 'The email address does not belong to the authenticated account' },
  // Internal failures: the body says what failed, never how (the cause is only logged).
  hash_failure: { status: 500, message: 'The password could not be processed' },
  database_failure: { status: 500, message: 'A database operation failed' },
  post_commit_failure: { status: 500, message: 'The password was changed, but a follow-up step failed' },
};

export class ResetError extends ApiError {
  /** For the internal failures: what actually went wrong, for the log only. */
  declare readonly cause?: unknown;

  constructor(
    readonly code: ResetErrorCode,
    cause?: unknown,
  ) {
    super(DEFAULTS[code].status, code, DEFAULTS[code].message);
    this.name = 'ResetError';
    // Not enumerable: serializing the error never carries the cause (SQL, paths) along.
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, enumerable: false });
  }
}
