import { Injectable } from '@nestjs/common';
import type { ContractErrorPresenter, ErrorPresenter } from '../../common/error-presenters.js';
import { PASSWORD_RULE_TEXT, PasswordPolicy, PasswordRule } from '../../password/password-policy.js';

/** The forgot-password contract's wording, by the core's error code. */
const DETAILS: Record<string, { detail: string; status?: number }> = {
  unknown_account: { detail: 'User not found' },
  // The confirm route names no account: every unusable token is "invalid or expired".
  token_missing: { detail: 'Invalid or expired code', status: 404 },
  token_invalid: { detail: 'Invalid or expired code', status: 404 },
  token_expired: { detail: 'Invalid or expired code', status: 404 },
  account_deleted: { detail: 'Invalid or expired code', status: 404 },
  password_mismatch: { detail: 'Passwords do not match' },
  invalid_credentials: { detail: 'Incorrect email or password' },
  not_found: { detail: 'Not Found' },
  method_not_allowed: { detail: 'Method Not Allowed' },
  internal_error: { detail: 'Internal Server Error' },
};

/**
 * FastAPI's error shape: `{"detail": "<message>"}`, and request-validation failures as
 * 422 `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`.
 */
export const fastApiPresenterWith = (ruleText: Record<PasswordRule, string>): ErrorPresenter => (e) => {
  if (e.code === 'validation_failed' || e.code === 'invalid_json') {
    const detail = e.fieldErrors?.length
      ? e.fieldErrors.map(({ loc, msg, type }) => ({ loc, msg, type }))
      : e.code === 'invalid_json'
        ? [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }]
        : [{ loc: ['body'], msg: e.message, type: 'value_error' }];
    return { status: 422, body: { detail } };
  }
  if (e.code === 'password_policy' && Array.isArray(e.details.violations)) {
    const rules = (e.details.violations as PasswordRule[]).map((rule) => ruleText[rule] ?? rule);
    return { status: e.status, body: { detail: `Password does not meet the requirements: ${rules.join(', ')}` } };
  }
  const known = DETAILS[e.code];
  const status = known?.status ?? e.status;
  // FastAPI's OAuth2 routes answer every 401 with the scheme to use, as OAuth2PasswordBearer does.
  const headers = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined;
  return { status, body: { detail: known?.detail ?? e.message }, ...(headers ? { headers } : {}) };
};

/** The presenter under the default (composition) password rules. */
export const fastApiPresenter = fastApiPresenterWith(PASSWORD_RULE_TEXT);

/** The presenter under the configured password rules (PASSWORD_POLICY), named in `detail`. */
@Injectable()
export class FastApiErrorPresenter implements ContractErrorPresenter {
  readonly present: ErrorPresenter;

  constructor(policy: PasswordPolicy) {
    this.present = fastApiPresenterWith(policy.ruleText);
  }
}
