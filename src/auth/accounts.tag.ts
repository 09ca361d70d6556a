import type { TagObject } from '@nestjs/swagger';

export const ACCOUNTS_TAG = 'accounts';

export const ACCOUNTS_TAG_OBJECT: TagObject = {
  name: ACCOUNTS_TAG,
  description: [
    'For first-party clients: create an account, log in for a short-lived Bearer access token, read the token\'s account. Errors are `{statusCode, error_code, message}`.',
    '',
    '`POST /auth/register`, then `POST /auth/login` with JSON or the OAuth2 password form; `GET /auth/me` with `Authorization: Bearer`.',
  ].join('\n'),
};
