import type { ResetErrorCode } from '../reset/reset-errors.js';
import { FASTIFY_ERRORS, HTTP_CODES } from './api-exception.filter.js';
import type { ErrorPresenter } from './error-presenters.js';

/** Every code of the reset core (the type check below fails when one is missing). */
const RESET_CODES = [
  'unknown_account',
  'no_email_addresses',
  'no_reset_requested',
  'code_incorrect',
  'code_expired',
  'rate_limit_exceeded',
  'token_missing',
  'token_invalid',
  'token_expired',
  'account_deleted',
  'password_mismatch',
  'current_password_incorrect',
  'same_password',
  'email_mismatch',
  'hash_failure',
  'database_failure',
  'post_commit_failure',
] as const satisfies readonly ResetErrorCode[];
const everyResetCode: Exclude<ResetErrorCode, (typeof RESET_CODES)[number]> extends never ? true : never = true;
void everyResetCode;

/** Every error code the service can answer with, before a contract renders it. */
export const SERVICE_ERROR_CODES: readonly string[] = [
  ...new Set([
    ...RESET_CODES,
    'validation_failed',
    'invalid_json',
    'invalid_flow',
    'password_policy',
    'invalid_credentials',
    'unauthorized',
    'account_exists',
    'registration_disabled',
    'username_taken',
    'email_taken',
    'account_not_found',
    'email_not_found',
    'invalid_cursor',
    'invalid_token',
    'insufficient_scope',
    'email_already_added',
    'primary_email',
    'last_verified_email',
    'verification_failed',
    'verification_expired',
    'verification_attempts_exceeded',
    'too_many_attempts',
    'too_many_requests',
    'internal_error',
    'service_unavailable',
    ...Object.values(HTTP_CODES),
    ...Object.values(FASTIFY_ERRORS).map((e) => e.code),
  ]),
];

/** The codes a contract's presenter can put in its body, read from the presenter itself. */
export function presentedCodes(presenter: ErrorPresenter, pick: (body: Record<string, unknown>) => unknown): string[] {
  const codes = SERVICE_ERROR_CODES.map((code) =>
    pick(presenter({ status: 400, code, message: code, details: {}, headers: {} }).body as Record<string, unknown>),
  );
  return [...new Set(codes.filter((c): c is string => typeof c === 'string'))].sort();
}
