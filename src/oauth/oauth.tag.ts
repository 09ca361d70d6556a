import type { TagObject } from '@nestjs/swagger';

export const OAUTH_TAG = 'oauth';

export const OAUTH_TAG_OBJECT: TagObject = {
  name: OAUTH_TAG,
  description: [
    'For other services: OAuth 2.0 client credentials (RFC 6749 §4.4), the refresh-token grant, token introspection (RFC 7662) and revocation (RFC 7009). Bodies are URL-encoded forms; errors are `{error, error_description}` (RFC 6749 §5.2).',
    '',
    'Service clients are created with `npm run cli -- clients:create`; they authenticate with HTTP Basic (`client_secret_basic`). Their tokens carry `token_use: "service"` and never act as a user.',
  ].join('\n'),
};
