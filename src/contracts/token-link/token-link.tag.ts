import type { TagObject } from '@nestjs/swagger';

export const TOKEN_LINK_TAG = 'token-link: email link with locale and error codes';

export const TOKEN_LINK_TAG_OBJECT: TagObject = {
  name: TOKEN_LINK_TAG,
  description: [
    'For frontends that open the emailed link and send its token back; errors are `{code, message}` with upper-case codes such as `PASSWORD_RESET_TOKEN_EXPIRED`.',
    '',
    '`POST /api/auth/password/reset-request` with the email (or username) and an optional locale emails the link; `POST /api/auth/password/reset?token=…` with the new password sets it and uses the token up.',
  ].join('\n'),
};
