import type { TagObject } from '@nestjs/swagger';

export const FORGOT_PASSWORD_TAG = 'forgot-password: email and link token (FastAPI style)';

export const FORGOT_PASSWORD_TAG_OBJECT: TagObject = {
  name: FORGOT_PASSWORD_TAG,
  description: [
    'For clients written against a FastAPI forgot-password API: errors are `{"detail": "…"}`, request validation is 422 `{"detail": [{loc, msg, type}]}`.',
    '',
    '`POST /forgot-password/code` with the email sends the reset email; `POST /forgot-password/confirm` with the link token from that email (as `code`) and the new password twice sets it; `POST /login` (JSON or the OAuth2 password form) logs in with it.',
  ].join('\n'),
};
