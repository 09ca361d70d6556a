import { Injectable } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { AccessTokens } from '../tokens/access-tokens.js';
import { AppConfig } from '../config/app-config.js';

/** `token_use` of a service client's access token. */
export const SERVICE_TOKEN_USE = 'service';

export interface ServiceTokenClaims {
  clientId: string;
  scopes: string[];
  iat: number;
  exp: number;
  jti: string;
}

export interface IssuedServiceToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
}

/** A verified payload's claims as a service token's; null when it is not one. */
export function serviceClaims(payload: JWTPayload): ServiceTokenClaims | null {
  const { sub, client_id, scope, token_use, iat, exp, jti } = payload;
  if (token_use !== SERVICE_TOKEN_USE || typeof sub !== 'string' || client_id !== sub) return null;
  if (typeof scope !== 'string' || typeof iat !== 'number' || typeof exp !== 'number' || typeof jti !== 'string') return null;
  return { clientId: sub, scopes: scope === '' ? [] : scope.split(' '), iat, exp, jti };
}

/**
 * The access tokens of service clients (client credentials grant): signed with the same keys as
 * user tokens, `sub` and `client_id` the client id, `scope`, `token_use: "service"`, and no
 * session: they last SERVICE_TOKEN_TTL_SECONDS and end early only with their client.
 */
@Injectable()
export class ServiceTokens {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly config: AppConfig,
  ) {}

  async issue(clientId: string, scopes: string[]): Promise<IssuedServiceToken> {
    const scope = scopes.join(' ');
    const ttl = this.config.serviceTokens.ttlSeconds;
    const access_token = await this.tokens.sign(clientId, { client_id: clientId, scope, token_use: SERVICE_TOKEN_USE }, ttl);
    return { access_token, token_type: 'bearer', expires_in: ttl, scope };
  }

  /** The claims of a valid, unexpired service token (its client not yet checked); null otherwise. */
  async verify(token: string): Promise<ServiceTokenClaims | null> {
    const payload = await this.tokens.verifiedPayload(token);
    return payload && serviceClaims(payload);
  }
}
