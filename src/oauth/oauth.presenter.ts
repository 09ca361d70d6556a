import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import type { ContractErrorPresenter, ErrorPresenter } from '../common/error-presenters.js';
import type { ErrorShape } from '../common/swagger.js';
import { OAuthErrorDto } from './dto/oauth.dto.js';

/**
 * The service's own codes as OAuth error codes (RFC 6749 §5.2, RFC 6750 §3.1): a body that
 * cannot be read is an invalid request, a refresh token that is unknown or reused an invalid
 * grant (the session is revoked all the same).
 */
const OAUTH_CODES: Record<string, { error: string; status?: number }> = {
  validation_failed: { error: 'invalid_request' },
  invalid_json: { error: 'invalid_request' },
  bad_request: { error: 'invalid_request' },
  payload_too_large: { error: 'invalid_request' },
  unsupported_media_type: { error: 'invalid_request' },
  refresh_token_invalid: { error: 'invalid_grant', status: 400 },
  refresh_token_reused: { error: 'invalid_grant', status: 400 },
  internal_error: { error: 'server_error' },
  service_unavailable: { error: 'temporarily_unavailable' },
};

/** `{error, error_description}` (RFC 6749 §5.2). */
export const oauthPresenter: ErrorPresenter = (e) => {
  const known = OAUTH_CODES[e.code];
  return { status: known?.status ?? e.status, body: { error: known?.error ?? e.code, error_description: e.message } };
};

/** Errors under /oauth in the RFC 6749 §5.2 shape (see PresentErrors on OAuthController). */
@Injectable()
export class OAuthErrorPresenter implements ContractErrorPresenter {
  readonly present = oauthPresenter;
}

export const OAUTH_ERROR_SHAPE: ErrorShape = { presenter: oauthPresenter, schema: () => OAuthErrorDto };

const oauthError = (status: number, error: string, description: string, headers: Record<string, string> = {}) =>
  new ApiError(status, error, description, {}, headers);

export const invalidClient = () =>
  oauthError(401, 'invalid_client', 'Client authentication failed', { 'WWW-Authenticate': 'Basic realm="oauth", charset="UTF-8"' });
export const invalidRequest = (description: string) => oauthError(400, 'invalid_request', description);
export const invalidScope = (description: string) => oauthError(400, 'invalid_scope', description);
export const unsupportedGrantType = () =>
  oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials or refresh_token');
export const invalidToken = () =>
  oauthError(401, 'invalid_token', 'A valid service access token is required', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
export const insufficientScope = (scopes: string[]) =>
  oauthError(403, 'insufficient_scope', `This route needs the scope ${scopes.join(' ')}`, {
    'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`,
  });
