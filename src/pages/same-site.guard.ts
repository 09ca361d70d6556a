import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';

/** A page form sent from another site (or without the form's CSRF token); answered with a page saying so. */
export class CrossSiteRequestError extends Error {
  constructor(readonly reason: 'cross_site' | 'csrf_token') {
    super(`page form refused: ${reason}`);
  }
}

/**
 * Guards the page forms' POSTs against cross-site submission, twice over:
 * - Fetch metadata: a browser that sends Sec-Fetch-Site must say same-origin (or none: typed or
 *   bookmarked); without it, an Origin other than "null" must be ours (PUBLIC_URL or the Host).
 *   The pages send no referrer, so browsers may send `Origin: null` with their own forms.
 * - The form's CSRF token, checked by @fastify/csrf-protection against the secret in the cookie.
 */
@Injectable()
export class SameSiteFormGuard implements CanActivate {
  private readonly publicOrigin: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    config: AppConfig,
  ) {
    this.publicOrigin = new URL(config.publicUrl).origin;
  }

  canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.sameSite(request)) return Promise.reject(new CrossSiteRequestError('cross_site'));
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    return new Promise((resolve, reject) => {
      // The plugin answers a failure with reply.send(error); here that becomes the refusal page.
      const reply = { send: () => reject(new CrossSiteRequestError('csrf_token')) } as unknown as FastifyReply;
      fastify.csrfProtection(request, reply, () => resolve(true));
    });
  }

  private sameSite(request: FastifyRequest): boolean {
    const site = request.headers['sec-fetch-site'];
    if (typeof site === 'string') return site === 'same-origin' || site === 'none';
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || origin === 'null') return true;
    return origin === this.publicOrigin || origin === `${request.protocol}://${request.host}`;
  }
}
