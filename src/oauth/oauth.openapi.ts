import type { DocumentBuilder } from '@nestjs/swagger';
import { SERVICE_SCOPES } from '../tokens/scopes.js';

export { OAUTH_TAG_OBJECT } from './oauth.tag.js';

/** The security scheme names the OAuth routes and service routes refer to. */
export const CLIENT_BASIC_SCHEME = 'client';
export const SERVICE_TOKEN_SCHEME = 'service';

/** A service client's HTTP Basic credentials, and its service tokens with their scopes. */
export function oauthSecuritySchemes(builder: DocumentBuilder, publicUrl: string): void {
  builder
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'A service client: client_id and client_secret (client_secret_basic)' }, CLIENT_BASIC_SCHEME)
    .addOAuth2(
      {
        type: 'oauth2',
        description: 'A service token from POST /oauth/token (grant_type=client_credentials)',
        flows: { clientCredentials: { tokenUrl: `${publicUrl}/oauth/token`, scopes: { ...SERVICE_SCOPES } } },
      },
      SERVICE_TOKEN_SCHEME,
    );
}
