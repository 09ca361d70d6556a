import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { resolveLocale } from '../mail/locale.js';
import { PAGE_MESSAGES } from './messages.js';
import { setPageHeaders } from './page-headers.js';
import { renderPage } from './templates.js';

/**
 * What escapes a page handler (the per-IP rate limit, an outage, a bug) is answered as an HTML
 * page with the same status and headers, instead of the API's JSON error body.
 */
@Catch()
export class PageExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Pages');

  constructor(private readonly config: AppConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const locale = resolveLocale([query.locale, body?.locale], request.headers['accept-language'], this.config.mail.defaultLocale);
    const t = PAGE_MESSAGES[locale];
    let status = 500;
    let headers: Record<string, string> = {};
    if (exception instanceof ApiError) {
      status = exception.status;
      headers = exception.headers;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
    } else {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (status >= 500 && exception instanceof ApiError) this.logger.warn(`${exception.code}: ${exception.message}`);
    const message = status === 429 ? t.tooManyRequests : t.errorBody;
    setPageHeaders(reply);
    reply.status(status).headers(headers).send(renderPage('error', { locale, title: t.errorTitle, message }));
  }
}
