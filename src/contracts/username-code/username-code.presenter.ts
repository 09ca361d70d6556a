import { Injectable } from '@nestjs/common';
import type { ContractErrorPresenter, ErrorPresenter } from '../../common/error-presenters.js';

/** The username-code contract's wording: `{msg, error_code}` with its documented messages. */
const MESSAGES: Record<string, { msg: string; error_code?: string; status?: number }> = {
  unknown_account: { msg: 'Unknown username', error_code: 'unknown_username' },
  no_email_addresses: { msg: 'There are no email addresses for this account' },
  code_incorrect: { msg: 'The code is incorrect' },
  rate_limit_exceeded: { msg: 'Rate limit exceeded' },
  no_reset_requested: { msg: 'There was no code for a password reset requested' },
  code_expired: { msg: 'The code has expired' },
  too_many_requests: { msg: 'Too many requests, try again later' },
  too_many_attempts: { msg: 'Too many requests, try again later', error_code: 'too_many_requests' },
  password_policy: { msg: 'The password does not meet the requirements' },
};

export const usernameCodePresenter: ErrorPresenter = (e) => {
  const known = MESSAGES[e.code];
  const body: Record<string, unknown> = {
    msg: known?.msg ?? e.message,
    error_code: known?.error_code ?? e.code,
  };
  if (Array.isArray(e.details.violations)) body.violations = e.details.violations;
  if (e.fieldErrors) body.errors = e.fieldErrors.map((f) => ({ field: f.loc.slice(1).join('.'), msg: f.msg }));
  return { status: known?.status ?? e.status, body };
};

@Injectable()
export class UsernameCodeErrorPresenter implements ContractErrorPresenter {
  readonly present = usernameCodePresenter;
}
