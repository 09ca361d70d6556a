import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The Fastify route config key that lets a route take URL-encoded forms besides JSON. */
const ACCEPTS_FORMS = 'acceptsForms';

function markHandler(handler: object): void {
  const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as Record<string, unknown>;
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [ACCEPTS_FORMS]: true }, handler);
}

/**
 * Lets a route take `application/x-www-form-urlencoded` bodies as well as JSON: the OAuth2
 * password-form login routes and the hosted HTML pages. Every other route takes JSON only, so
 * a page on another site cannot make its visitors' browsers post to it (a form post, or a
 * `text/plain` fetch, needs no CORS preflight). On a method, or on a controller class for all
 * of its handlers. It is Fastify route config, merged with any other `@RouteConfig` value put
 * below it.
 */
export function AcceptsForms(): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      markHandler(descriptor.value as object);
      return;
    }
    const prototype = (target as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const member = Object.getOwnPropertyDescriptor(prototype, name)?.value;
      if (name !== 'constructor' && typeof member === 'function') markHandler(member);
    }
  };
}

/**
 * A request with a body must send it as JSON, or as a URL-encoded form on a route marked
 * `@AcceptsForms()`: anything else is 415 in the contract's error shape, before the body is read.
 */
export function requireKnownContentType(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request) => {
    const hasBody =
      Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return;
    const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === JSON_TYPE) return;
    const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
    if (config?.[ACCEPTS_FORMS] === true) {
      if (type === FORM_TYPE) return;
      throw new ApiError(415, 'unsupported_media_type', `Send the body as ${JSON_TYPE} or ${FORM_TYPE}`);
    }
    throw new ApiError(415, 'unsupported_media_type', `Send the body as ${JSON_TYPE}`);
  });
}
