import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../database/pg.js';
import { ApiError } from './api-error.js';
import { databaseAway } from './error-catalogue.js';
import { ErrorPresenters, NormalizedError } from './error-presenters.js';

export const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  431: 'request_header_fields_too_large',
  503: 'service_unavailable',
};

/** Fastify's own errors (body parsing, limits) by their code. */
export const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Unsupported content type; send application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'Request body is larger than 16 KiB' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'Body is empty but Content-Type is application/json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'Body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Invalid Content-Type header' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_request', message: 'Malformed URL' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'bad_request', message: 'Bad request' },
};

/**
 * The one place that turns any exception into a response. Client mistakes become a 4xx with
 * an error code; a database outage a 503; anything else a 500 whose body carries no internals.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly presenters: ErrorPresenters) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.normalize(exception);
    const path = (request.url ?? '/').split('?')[0];
    const { status, body, headers } = this.presenters.forPath(path)(error);
    if (reply.sent) return;
    reply.status(status).headers({ ...error.headers, ...headers }).header('Cache-Control', 'no-store').send(body);
  }

  normalize(exception: unknown): NormalizedError {
    if (exception instanceof ApiError) {
      // An internal failure the domain named (e.g. hash_failure): its cause goes to the log only.
      if (exception.status >= 500) {
        const cause = exception.cause ?? exception;
        this.logger.error(`${exception.code}: ${cause instanceof Error ? cause.stack : String(cause)}`);
      }
      const { fieldErrors, ...details } = exception.details;
      return {
        status: exception.status,
        code: exception.code,
        message: exception.message,
        details,
        headers: exception.headers,
        fieldErrors: fieldErrors as NormalizedError['fieldErrors'],
      };
    }
    const cause = exception instanceof HttpException ? exception.cause : exception;
    const fastifyCode = (cause as { code?: string } | undefined)?.code;
    const known = fastifyCode ? FASTIFY_ERRORS[fastifyCode] : undefined;
    if (known) return { ...known, details: {}, headers: {} };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response && 'message' in response
          ? String((response as { message: unknown }).message)
          : exception.message;
      return { status, code: HTTP_CODES[status] ?? 'error', message, details: {}, headers: {} };
    }
    const statusCode = (exception as { statusCode?: number })?.statusCode;
    if (exception instanceof SyntaxError && statusCode === 400) {
      return { status: 400, code: 'invalid_json', message: 'Body is not valid JSON', details: {}, headers: {} };
    }
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return {
        status: statusCode,
        code: HTTP_CODES[statusCode] ?? 'bad_request',
        message: 'Bad request',
        details: {},
        headers: {},
      };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${(exception as Error)?.message}`);
      const { status, code, message, headers } = databaseAway();
      return { status, code, message, details: {}, headers };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { status: 500, code: 'internal_error', message: 'Internal server error', details: {}, headers: {} };
  }
}
