import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { Presentation } from '../presentation/presentation.js';

/** The cookie holding the per-browser CSRF secret; only the page forms' routes see it. */
export const CSRF_COOKIE = 'reset_csrf';

/**
 * What the hosted pages need from Fastify: their static files (the operator's TEMPLATES_DIR/assets
 * first, then the built-in ones; ETag and Last-Modified from @fastify/static), and the CSRF
 * token of their forms (@fastify/csrf-protection with the secret in a SameSite=Strict cookie).
 */
export async function setupPages(app: NestFastifyApplication): Promise<void> {
  const config = app.get(AppConfig);
  const presentation = app.get(Presentation);
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: {
      // The reset pages and /verify-email.
      path: '/',
      sameSite: 'strict',
      httpOnly: true,
      secure: config.publicUrl.startsWith('https://'),
    },
    getToken: (req: FastifyRequest) => {
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === 'string' ? body._csrf : undefined;
    },
  });
  app.useStaticAssets({
    root: presentation.assetRoots,
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    maxAge: 300_000,
    // Public files: emails shown in webmail load the logo from another origin. (@fastify/static
    // passes the reply; Nest's option type still names a Node response.)
    setHeaders: ((reply: FastifyReply) => reply.header('Cross-Origin-Resource-Policy', 'cross-origin')) as never,
  });
}
