import { ApiError } from '../../common/api-error.js';

export type ResetFlow = 'forgot' | 'change';

export const invalidFlow = () =>
  new ApiError(
    400,
    'invalid_flow',
    'Provide either the code query parameter (forgot password) or current_password (change password), not both',
  );

/**
 * Which flow of PATCH /auth/resetpassword a request asks for: `?code=` is flow 1 (forgot),
 * `current_password` in the body is flow 2 (change). Null for both or neither.
 */
export function requestedFlow(code: unknown, currentPassword: unknown): ResetFlow | null {
  const hasCode = code !== undefined;
  const hasCurrent = currentPassword !== undefined;
  if (hasCode === hasCurrent) return null;
  return hasCode ? 'forgot' : 'change';
}
