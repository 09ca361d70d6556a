import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';

const ACCEPTED = ['application/json', 'application/x-www-form-urlencoded'];

/** A request with a body must send it as JSON or as a URL-encoded form: anything else is 415. */
export function requireKnownContentType(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request) => {
    const hasBody =
      Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return;
    const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!ACCEPTED.includes(type)) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json or application/x-www-form-urlencoded');
    }
  });
}
