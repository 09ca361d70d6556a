import { Injectable } from '@nestjs/common';
import type { ContractErrorPresenter, ErrorPresenter } from '../../common/error-presenters.js';

/** The token-link contract: `{code, message}` with its upper-case codes, by the core's error code. */
const CODES: Record<string, { code: string; status?: number; message?: string }> = {
  unknown_account: { code: 'USER_NOT_FOUND', message: 'User not found' },
  account_deleted: { code: 'USER_NOT_FOUND', message: 'User not found' },
  no_email_addresses: { code: 'EMAIL_NOT_AVAILABLE', message: 'The account has no email address' },
  token_missing: { code: 'PASSWORD_RESET_TOKEN_MISSING' },
  token_invalid: { code: 'PASSWORD_RESET_TOKEN_INVALID' },
  token_expired: { code: 'PASSWORD_RESET_TOKEN_EXPIRED' },
  password_policy: { code: 'PASSWORD_POLICY_VIOLATION' },
  database_failure: { code: 'DATABASE_FAILURE' },
  // The contract has no 503: an unreachable database is a database failure here.
  service_unavailable: { code: 'DATABASE_FAILURE', status: 500, message: 'A database operation failed' },
  hash_failure: { code: 'HASH_FAILURE' },
  post_commit_failure: { code: 'POST_COMMIT_SIDE_EFFECT_FAILURE' },
  internal_error: { code: 'INTERNAL_ERROR' },
};

export const tokenLinkPresenter: ErrorPresenter = (e) => {
  const known = CODES[e.code];
  const body: Record<string, unknown> = {
    code: known?.code ?? e.code.toUpperCase(),
    message: known?.message ?? e.message,
  };
  if (Array.isArray(e.details.violations)) body.violations = e.details.violations;
  if (e.fieldErrors) body.errors = e.fieldErrors.map((f) => ({ field: f.loc.slice(1).join('.'), message: f.msg }));
  return { status: known?.status ?? e.status, body };
};

@Injectable()
export class TokenLinkErrorPresenter implements ContractErrorPresenter {
  readonly present = tokenLinkPresenter;
}
