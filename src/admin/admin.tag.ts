import type { TagObject } from '@nestjs/swagger';

export const ADMIN_TAG = 'admin';

export const ADMIN_TAG_OBJECT: TagObject = {
  name: ADMIN_TAG,
  description: [
    'For other services: manage accounts with a service token (`POST /oauth/token`, grant_type=client_credentials). Read routes need the scope `accounts:read`, changes `accounts:write`; a user’s access token never opens them.',
    '',
    'Errors are the service’s usual `{statusCode, error_code, message}`. Every change writes its account events in its own transaction.',
  ].join('\n'),
};
