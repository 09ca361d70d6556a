import { Injectable } from '@nestjs/common';
import { AccessTokens, userClaims } from '../tokens/access-tokens.js';
import { parseScopeParameter } from '../tokens/scopes.js';
import { AuthenticatedClient, ServiceClientsService } from '../clients/service-clients.service.js';
import { SessionsService, TokenPair } from '../sessions/sessions.service.js';
import type { IntrospectionDto } from './dto/oauth.dto.js';
import { invalidClient, invalidRequest, invalidScope, unsupportedGrantType } from './oauth.presenter.js';
import { IssuedServiceToken, SERVICE_TOKEN_USE, serviceClaims, ServiceTokens } from './service-tokens.js';

/** The parameters of a form body: each at most once (a repeated one is an invalid request, RFC 6749 §3.2). */
export class FormParameters {
  constructor(private readonly body: unknown) {}

  optional(name: string): string | undefined {
    const value = typeof this.body === 'object' && this.body !== null ? (this.body as Record<string, unknown>)[name] : undefined;
    if (value === undefined) return undefined;
    if (Array.isArray(value)) throw invalidRequest(`${name} must be given at most once`);
    if (typeof value !== 'string') throw invalidRequest(`${name} must be a string`);
    return value;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined || value === '') throw invalidRequest(`${name} is required`);
    return value;
  }
}

const INACTIVE: IntrospectionDto = { active: false };

/** The OAuth 2.0 endpoints' work: the token grants, introspection and revocation. */
@Injectable()
export class OAuthService {
  constructor(
    private readonly clients: ServiceClientsService,
    private readonly serviceTokens: ServiceTokens,
    private readonly accessTokens: AccessTokens,
    private readonly sessions: SessionsService,
  ) {}

  /** `grant_type=client_credentials` (RFC 6749 §4.4) and `refresh_token` (§6, the rotation of /auth/refresh). */
  async token(params: FormParameters, client: AuthenticatedClient | undefined): Promise<IssuedServiceToken | TokenPair> {
    const grant = params.required('grant_type');
    if (grant === 'client_credentials') {
      if (!client) throw invalidClient();
      return this.serviceTokens.issue(client.id, this.grantedScopes(client, params.optional('scope')));
    }
    if (grant === 'refresh_token') {
      const refreshToken = params.required('refresh_token');
      if (params.optional('scope') !== undefined) throw invalidScope('A user’s refresh token carries no scopes');
      return this.sessions.refresh(refreshToken);
    }
    throw unsupportedGrantType();
  }

  /** RFC 7662: whether an access token is valid right now on this service, and its claims when it is. */
  async introspect(token: string): Promise<IntrospectionDto> {
    const payload = await this.accessTokens.verifiedPayload(token);
    if (!payload) return INACTIVE;
    const common = { token_type: 'Bearer' as const, iss: payload.iss, iat: payload.iat, exp: payload.exp, jti: payload.jti };
    if (payload.token_use === SERVICE_TOKEN_USE) {
      const claims = serviceClaims(payload);
      const clientScopes = claims && (await this.clients.activeScopes(claims.clientId));
      if (!claims || !clientScopes) return INACTIVE;
      const scope = claims.scopes.filter((s) => clientScopes.includes(s)).join(' ');
      return { active: true, token_use: 'service', ...common, sub: claims.clientId, client_id: claims.clientId, scope };
    }
    const user = userClaims(payload);
    if (!user || user.tokenUse !== undefined || !(await this.sessions.isLive(user.sid, user.sub, user.ver))) return INACTIVE;
    return { active: true, token_use: 'user', ...common, sub: user.sub, sid: user.sid };
  }

  /** RFC 7009: a refresh token ends its session; anything else (an access token, garbage) changes nothing. */
  async revoke(token: string): Promise<void> {
    await this.sessions.revokeByRefreshToken(token);
  }

  private grantedScopes(client: AuthenticatedClient, requested: string | undefined): string[] {
    if (requested === undefined) return client.scopes;
    const scopes = parseScopeParameter(requested);
    if (!scopes) throw invalidScope('scope must be space-separated scope names');
    const unknown = scopes.filter((s) => !client.scopes.includes(s));
    if (unknown.length) throw invalidScope(`The client may not ask for ${unknown.join(' ')}`);
    return scopes;
  }
}
