import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER, type RequestLogFacts } from './logging.module.js';
import { Metrics } from './metrics.js';

/** The route label of requests that matched no route, so unknown URLs cannot blow up the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Fastify hooks that feed the request log line and the request-duration histogram: the
 * matched route template (never the raw URL) and the client IP as Fastify resolved it.
 */
export function installHttpObservability(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    const facts = request.raw as typeof request.raw & RequestLogFacts;
    facts.routePattern = request.routeOptions.url;
    facts.clientIp = request.ip;
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
