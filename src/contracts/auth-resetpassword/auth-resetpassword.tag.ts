import type { TagObject } from '@nestjs/swagger';

export const AUTH_RESETPASSWORD_TAG = 'auth-resetpassword: code or Bearer change';

export const AUTH_RESETPASSWORD_TAG_OBJECT: TagObject = {
  name: AUTH_RESETPASSWORD_TAG,
  description: [
    'For clients of an `/auth/forgotpassword` + `/auth/resetpassword` API; errors are `{statusCode, error_code, message}`.',
    '',
    'Flow 1 (forgot): `POST /auth/forgotpassword` emails a 6-digit code, then `PATCH /auth/resetpassword?code=…` with the email and the new password, no authentication. Flow 2 (change): `PATCH /auth/resetpassword` with `Authorization: Bearer` and `current_password`; answers a fresh access token.',
  ].join('\n'),
};
