import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { UsersService } from '../users/users.service.js';
import { AccessTokens } from './access-tokens.js';

export interface AuthenticatedUser {
  id: string;
  tokenVersion: number;
}

type RequestWithUser = FastifyRequest & { user?: AuthenticatedUser };

export const unauthorized = () =>
  new ApiError(401, 'unauthorized', 'A valid Bearer access token is required', {}, {
    'WWW-Authenticate': 'Bearer',
  });

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Accepts a valid token whose version is the account's current one; a password change revokes older tokens. */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const token = bearerToken(request);
    const claims = token ? await this.tokens.verify(token) : null;
    if (!claims) throw unauthorized();
    const current = await this.users.tokenVersion(claims.sub);
    if (current === null || claims.ver !== current) throw unauthorized();
    request.user = { id: claims.sub, tokenVersion: current };
    return true;
  }
}

export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedUser =>
    context.switchToHttp().getRequest<RequestWithUser>().user!,
);
