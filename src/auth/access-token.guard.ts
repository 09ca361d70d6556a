import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../common/error-catalogue.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AccessTokens } from '../tokens/access-tokens.js';

export interface AuthenticatedUser {
  id: string;
  tokenVersion: number;
  /** The session of the access token. */
  sessionId: string;
}

type RequestWithUser = FastifyRequest & { user?: AuthenticatedUser };

// Re-exported for the password-change service, which throws it too.
export { unauthorized } from '../common/error-catalogue.js';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Accepts a valid user token whose session is live and whose version is the account's current
 * one: logout, session revocation and a password change refuse the session's tokens at once.
 * A service client's token (`token_use: "service"`) never acts as a user.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const token = bearerToken(request);
    const claims = token ? await this.tokens.verify(token) : null;
    if (!claims || claims.tokenUse === 'service') throw unauthorized();
    if (!(await this.sessions.isLive(claims.sid, claims.sub, claims.ver))) throw unauthorized();
    request.user = { id: claims.sub, tokenVersion: claims.ver, sessionId: claims.sid };
    return true;
  }
}

export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedUser =>
    context.switchToHttp().getRequest<RequestWithUser>().user!,
);
