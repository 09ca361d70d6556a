import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../auth/access-token.guard.js';
import type { ServiceScope } from '../tokens/scopes.js';
import { AuthenticatedClient, ServiceClientsService } from '../clients/service-clients.service.js';
import { ClientAuthentication, hasBasicCredentials } from './client-authentication.js';
import { insufficientScope, invalidClient, invalidToken } from './oauth.presenter.js';
import { ServiceTokens } from './service-tokens.js';

const REQUIRED_SCOPES = 'oauth:requiredScopes';
const ACCEPTS_CLIENT_CREDENTIALS = 'oauth:acceptsClientCredentials';

type RequestWithClient = FastifyRequest & { serviceClient?: AuthenticatedClient };

/** A service route: a service token (or, where accepted, client credentials) with every one of `scopes`. */
export const RequireScopes = (...scopes: ServiceScope[]) => applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), UseGuards(ServiceTokenGuard));

/** The route also takes the client's own credentials (HTTP Basic) instead of a service token. */
export const AcceptsClientCredentials = () => SetMetadata(ACCEPTS_CLIENT_CREDENTIALS, true);

/**
 * Lets a service client in: by `Authorization: Bearer <service token>` whose client is still
 * active (a revoked client's tokens stop at once), or by its Basic credentials on routes marked
 * `@AcceptsClientCredentials()`. A user's token never opens a service route (401 invalid_token);
 * a client without every scope of `@RequireScopes` gets 403 insufficient_scope.
 */
@Injectable()
export class ServiceTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ServiceTokens,
    private readonly clients: ServiceClientsService,
    private readonly clientAuthentication: ClientAuthentication,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const required = this.reflector.getAllAndOverride<ServiceScope[] | undefined>(REQUIRED_SCOPES, targets) ?? [];
    const acceptsBasic = this.reflector.getAllAndOverride<boolean | undefined>(ACCEPTS_CLIENT_CREDENTIALS, targets) === true;
    const request = context.switchToHttp().getRequest<RequestWithClient>();
    const client = acceptsBasic && hasBasicCredentials(request) ? await this.clientAuthentication.require(request) : await this.bearer(request, acceptsBasic);
    if (!required.every((scope) => client.scopes.includes(scope))) throw insufficientScope(required);
    request.serviceClient = client;
    return true;
  }

  private async bearer(request: FastifyRequest, acceptsBasic: boolean): Promise<AuthenticatedClient> {
    const token = bearerToken(request);
    if (!token) throw acceptsBasic ? invalidClient() : invalidToken();
    const claims = await this.tokens.verify(token);
    const clientScopes = claims && (await this.clients.activeScopes(claims.clientId));
    if (!claims || !clientScopes) throw invalidToken();
    // What the token was given, and what its client may still do.
    return { id: claims.clientId, scopes: claims.scopes.filter((s) => clientScopes.includes(s)) };
  }
}

export const CurrentServiceClient = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedClient => context.switchToHttp().getRequest<RequestWithClient>().serviceClient!,
);
