import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { createValidationPipe } from './common/validation.js';
import { setupSwagger } from './common/openapi.js';
import { requireKnownContentType } from './common/content-type.hook.js';
import { clientErrorHandler } from './common/client-error.js';
import { ErrorPresenters } from './common/error-presenters.js';
import { applyCors, applySecurityHeaders } from './common/security.js';
import { AppConfig } from './config/app-config.js';
import { parseEnv, readProcessEnv } from './config/env.js';
import { closeConnectionsWhenShuttingDown, drain, GracefulFastifyAdapter } from './health/graceful-shutdown.js';
import { ShutdownState } from './health/shutdown-state.js';
import { installHttpObservability } from './observability/http-observability.js';
import { Metrics } from './observability/metrics.js';
import { requestId } from './observability/logging.module.js';

/**
 * Fastify's trust function for `hops` proxies in front: the socket peer and the next hops - 1
 * X-Forwarded-For addresses (read from the right) are proxies; the address before them is the
 * client. Only meaningful when every request passes those proxies (TRUST_PROXY).
 */
function trustedHops(hops: number | false): false | ((address: string, hop: number) => boolean) {
  return hops ? (_address, hop) => hop < hops : false;
}

/** Request bodies larger than this are refused with 413. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Builds the application (not yet listening). Used by main.ts, the tests and the benchmarks. */
export async function createApp(
  env: Record<string, string | undefined> = {},
  options: {
    /** Nest's console logger at these levels instead of the JSON (pino) logger; tests use this. */
    logger?: false | ('error' | 'warn' | 'log' | 'debug' | 'verbose' | 'fatal')[];
    /** Where the JSON logs go (stdout when unset). */
    logDestination?: DestinationStream;
  } = {},
): Promise<NestFastifyApplication> {
  // TRUST_PROXY is a Fastify constructor option, needed before the module graph exists. `true`
  // trusts one hop: the client is the last X-Forwarded-For address, the one the proxy in front
  // appended, so an address a client forges at the start of the header is never used.
  const { TRUST_PROXY } = parseEnv({ ...readProcessEnv(), ...env });
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
    // x-request-id from the caller when acceptable, else a UUID; echoed in every response.
    requestIdHeader: false,
    genReqId: requestId,
  });
  const usePino = options.logger === undefined;
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(env, { logDestination: options.logDestination }),
    adapter,
    { bufferLogs: usePino, ...(usePino ? {} : { logger: options.logger }) },
  );
  if (usePino) app.useLogger(app.get(PinoNestLogger));
  presenters.current = app.get(ErrorPresenters);
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();
  installHttpObservability(fastify, app.get(Metrics));
  await applySecurityHeaders(app);
  applyCors(app, config);
  requireKnownContentType(fastify);
  app.useGlobalPipes(createValidationPipe());
  // Shutdown order: see health/graceful-shutdown.ts. After a signal, the process exits 0.
  const shutdown = app.get(ShutdownState);
  closeConnectionsWhenShuttingDown(fastify, shutdown);
  adapter.onBeforeClose(async () => {
    shutdown.begin();
    await drain(config.shutdownDelayMs);
  });
  app.enableShutdownHooks([], { useProcessExit: true });
  setupSwagger(app);
  return app;
}

export const bootLogger = new Logger('Bootstrap');
