import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessTokenGuard } from '../../auth/access-token.guard.js';
import { requestedFlow } from './reset-flow.js';

/** The access-token check (revoked tokens included), only for flow 2: flow 1 needs no authentication. */
@Injectable()
export class ChangeFlowBearerGuard implements CanActivate {
  constructor(private readonly bearer: AccessTokenGuard) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = (request.query ?? {}) as Record<string, unknown>;
    const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
    if (requestedFlow(query.code, body.current_password) !== 'change') return true;
    return this.bearer.canActivate(context);
  }
}
