import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DynamicModule, LoggerService, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pino, stdTimeFunctions, type DestinationStream, type LevelWithSilent, type Logger as Pino } from 'pino';
import type { Options } from 'pino-http';
import { AppConfig } from '../config/app-config.js';
import { REDACTED, REDACT_PATHS, redactUrl } from './redaction.js';

export const REQUEST_ID_HEADER = 'x-request-id';
/** An incoming request id is kept only when it is short and plain; otherwise a new one is made. */
const ACCEPTABLE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** What the HTTP hooks note on the raw request for the request log line (see http-observability.ts). */
export interface RequestLogFacts {
  /** The matched route template, e.g. `/auth/login`; undefined when no route matched. */
  routePattern?: string;
  /** The client IP as Fastify resolved it (X-Forwarded-For when TRUST_PROXY=true). */
  clientIp?: string;
}

/** Nest middleware runs under @fastify/middie, which strips the mount path from `url`: `originalUrl` is the full one. */
type RawRequest = IncomingMessage & RequestLogFacts & { id?: unknown; originalUrl?: string };

/**
 * The request id: the caller's `x-request-id` when acceptable, else a new UUID. Fastify's
 * `genReqId` (see createApp), so `request.id`, the log lines and the response header agree;
 * @fastify/middie hands it to pino-http as `req.id`.
 */
export function requestId(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Probes are logged at debug, so they do not drown the request log at info (scrapes go to the metrics listener, not logged). */
function isProbe(url: string | undefined): boolean {
  return !!url && /^\/health\//.test(url);
}

function completedFields(req: RawRequest, value: Record<string, unknown>) {
  return {
    ...value,
    route: req.routePattern ?? null,
    clientIp: req.clientIp,
  };
}

/**
 * pino-http options: one JSON line per request when the response is finished, carrying the
 * request id, method, URL (secret query values redacted), matched route, status and duration
 * in milliseconds (`responseTime`). Bodies and headers are not logged.
 */
export function pinoHttpOptions(level: string): Options {
  return {
    level: level as LevelWithSilent,
    timestamp: stdTimeFunctions.isoTime,
    base: { service: 'password-reset-service', pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    genReqId: (req) => requestId(req),
    customAttributeKeys: { reqId: 'requestId' },
    quietReqLogger: false,
    serializers: {
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        userAgent: req.headers?.['user-agent'],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : isProbe((req as RawRequest).originalUrl ?? req.url) ? 'debug' : 'info',
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, _res, value) => completedFields(req as RawRequest, value),
    customErrorObject: (req, _res, _err, value) => completedFields(req as RawRequest, value),
  };
}

/**
 * Where human-readable logs go (LOG_FORMAT=pretty): pino-pretty over stdout, one line per
 * entry with the time, level, context and message (requests: method, URL, status and
 * duration), stacks under the line. pino-pretty is loaded only here, only when used.
 */
export async function prettyDestination(
  colorize = process.stdout.isTTY === true,
  destination?: NodeJS.WritableStream,
): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    colorize,
    ...(destination ? { destination } : {}),
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    messageFormat:
      '{if context}[{context}] {end}{msg}{if req.method} {req.method} {req.url} {res.statusCode} {responseTime} ms{end}',
    ignore: 'pid,hostname,service,context,req,res,responseTime,requestId,route,clientIp',
  });
}

/**
 * Nest's logger while the application is being built, writing through pino to the same
 * destination in the same format as the request logs, so that a failure during start-up
 * (the database unreachable, a migration failing) is logged like everything else instead of
 * in Nest's console format. Once built, the application switches to nestjs-pino's logger.
 */
export class PinoStartupLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(level: string, destination?: DestinationStream) {
    const options = { level, timestamp: stdTimeFunctions.isoTime, base: { service: 'password-reset-service', pid: process.pid } };
    this.pino = destination ? pino(options, destination) : pino(options);
  }

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  /** Nest passes `(message, context)`, and for errors `(message, stack, context)`. */
  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, params: unknown[]) {
    const context = params.length && typeof params[params.length - 1] === 'string' ? (params[params.length - 1] as string) : undefined;
    const stack = params.length > 1 && typeof params[0] === 'string' ? params[0] : undefined;
    if (message instanceof Error) this.pino[level]({ context, err: message }, message.message);
    else {
      const text = typeof message === 'string' ? message : JSON.stringify(message);
      this.pino[level]({ context, ...(stack ? { err: { type: 'Error', message: text, stack } } : {}) }, text);
    }
  }
}

/**
 * nestjs-pino wired to the typed configuration. `LOG_LEVEL=silent` writes nothing at all.
 *
 * nestjs-pino builds one pino-http instance per process (the first application's options win),
 * and Nest's static `Logger` is process-wide too: several applications in one test file share
 * the first one's logger. Tests that capture logs start their application first in their file.
 */
@Module({})
export class LoggingModule {
  static forRoot(destination?: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            const options = pinoHttpOptions(config.logLevel);
            return {
              pinoHttp: destination ? [options, destination] : options,
              // nestjs-pino's default route (`{/*splat}`) matches nothing under Nest 12.5 on Fastify.
              forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
            };
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
