import type { TagObject } from '@nestjs/swagger';

export const TOKENS_TAG = 'tokens-and-sessions';

export const TOKENS_TAG_OBJECT: TagObject = {
  name: TOKENS_TAG,
  description: [
    'For clients that keep a login and for services in the mesh: refresh a token pair, list and end sessions, and the public keys that verify access tokens. Errors are `{statusCode, error_code, message}`.',
    '',
    'Every login answers a `refresh_token`; `POST /auth/refresh` trades it for a new pair (the old one is used up). Other services verify access tokens with `/.well-known/jwks.json`.',
  ].join('\n'),
};
