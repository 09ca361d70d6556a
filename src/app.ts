import 'reflect-metadata';
import { Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { createValidationPipe } from './common/validation.js';
import { setupSwagger } from './openapi.js';
import { requireKnownContentType } from './common/content-type.hook.js';
import { requireValidClientAddress, trustedHops } from './common/client-address.js';
import { useDepthLimitedJsonParser } from './common/json-body-parser.js';
import { clientErrorHandler } from './common/client-error.js';
import { ErrorPresenters } from './common/error-presenters.js';
import { applyCors, applySecurityHeaders } from './common/security.js';
import { AppConfig, logFormat } from './config/app-config.js';
import { parseEnv, readProcessEnv } from './config/env.js';
import { closeConnectionsWhenShuttingDown, drain, GracefulFastifyAdapter } from './health/graceful-shutdown.js';
import { ShutdownState } from './health/shutdown-state.js';
import { installHttpObservability } from './observability/http-observability.js';
import { Metrics } from './observability/metrics.js';
import { PinoStartupLogger, prettyDestination, requestId } from './observability/logging.module.js';
import { setupPages } from './pages/pages.setup.js';

/** Request bodies larger than this are refused with 413. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Builds the application (not yet listening). Used by main.ts, the tests and the benchmarks. */
export async function createApp(
  env: Record<string, string | undefined> = {},
  options: {
    /** Nest's console logger at these levels, or a logger of the caller's, instead of the JSON (pino) logger; tests use this. */
    logger?: false | ('error' | 'warn' | 'log' | 'debug' | 'verbose' | 'fatal')[] | LoggerService;
    /** Where the JSON logs go (stdout when unset). */
    logDestination?: DestinationStream;
  } = {},
): Promise<NestFastifyApplication> {
  // TRUST_PROXY is a Fastify constructor option, needed before the module graph exists. `true`
  // trusts one hop: the client is the last X-Forwarded-For address, the one the proxy in front
  // appended, so an address a client forges at the start of the header is never used.
  // So are the HTTP timeouts (Node checks request and header deadlines every
  // connectionsCheckingInterval, 30 s by default: a fraction of the shortest deadline here).
  const parsed = parseEnv({ ...readProcessEnv(), ...env });
  const { TRUST_PROXY, HTTP_REQUEST_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS } = parsed;
  // Requests Node's HTTP parser refuses get a JSON error in their contract's shape too.
  const presenters: { current?: ErrorPresenters } = {};
  const adapter = new GracefulFastifyAdapter({
    clientErrorHandler: clientErrorHandler(() => presenters.current),
    bodyLimit: BODY_LIMIT_BYTES,
    // Route parameters as long as a URL can be: the router's own 414 bypasses the error presenters
    // (an over-long session id reaches the route and gets its 404); Node caps the URL at 16 KiB.
    routerOptions: { maxParamLength: 16 * 1024 },
    return503OnClosing: true,
    trustProxy: trustedHops(TRUST_PROXY === true ? 1 : TRUST_PROXY),
    requestTimeout: HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: HTTP_KEEP_ALIVE_TIMEOUT_MS,
    // No socket inactivity timeout (connectionTimeout): it would also cut a slow response. A socket
    // that never sends a request is closed at the headers deadline, an idle keep-alive one after
    // keepAliveTimeout.
    http: {
      headersTimeout: HTTP_HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(HTTP_HEADERS_TIMEOUT_MS / 4))),
    },
    // x-request-id from the caller when acceptable, else a UUID; echoed in every response.
    requestIdHeader: false,
    genReqId: requestId,
  });
  const usePino = options.logger === undefined;
  // One destination and format (LOG_FORMAT) for the start-up and the request logs alike.
  const logDestination =
    options.logDestination ?? (usePino && logFormat(parsed) === 'pretty' ? await prettyDestination() : undefined);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(env, { logDestination }),
    adapter,
    // abortOnError false: a start-up failure is logged, then rejects here (main.ts reports it and exits 1).
    { logger: usePino ? new PinoStartupLogger(parsed.LOG_LEVEL, logDestination) : options.logger, abortOnError: false },
  );
  if (usePino) app.useLogger(app.get(PinoNestLogger));
  presenters.current = app.get(ErrorPresenters);
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();
  // First, so that everything after it (the request log included) sees a valid client address.
  requireValidClientAddress(fastify);
  installHttpObservability(fastify, app.get(Metrics));
  await applySecurityHeaders(app);
  applyCors(app, config);
  await setupPages(app);
  requireKnownContentType(fastify);
  useDepthLimitedJsonParser(app, BODY_LIMIT_BYTES);
  app.useGlobalPipes(createValidationPipe());
  // Shutdown order: see health/graceful-shutdown.ts. After a signal, the process exits 0.
  const shutdown = app.get(ShutdownState);
  closeConnectionsWhenShuttingDown(fastify, shutdown);
  adapter.onBeforeClose(async () => {
    shutdown.begin();
    await drain(config.shutdownDelayMs);
  });
  // The two signals that ask a process to stop. Not every signal Nest knows ([] would listen to
  // all): SIGUSR2, say, is what `node --report-on-signal` answers with a diagnostic report.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  if (config.docsEnabled) setupSwagger(app);
  return app;
}

export const bootLogger = new Logger('Bootstrap');
