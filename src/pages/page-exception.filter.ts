import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { localeOf } from '../common/request-locale.decorator.js';
import { Presentation } from '../presentation/presentation.js';
import { pageCsp, setPageHeaders } from './page-headers.js';
import { PAGE_FORM_LOCALE } from './page-locale.js';
import { CrossSiteRequestError } from './same-site.guard.js';

/**
 * What escapes a page handler (a form from another site, the per-IP rate limit, an outage, a
 * bug) is answered as an HTML page in the person's language with the same status and headers,
 * instead of the API's JSON error body.
 */
@Catch()
export class PageExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Pages');

  constructor(
    private readonly config: AppConfig,
    private readonly presentation: Presentation,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const locale = localeOf(request, PAGE_FORM_LOCALE, this.config.mail.defaultLocale);
    const t = (key: string) => this.presentation.text(locale, key);
    let status = 500;
    let headers: Record<string, string> = {};
    let context: Record<string, unknown> = { title: t('page.error.title'), message: t('page.error.body') };
    if (exception instanceof CrossSiteRequestError) {
      status = 403;
      const path = request.url.split('?')[0];
      const token = typeof body?.token === 'string' && path === '/reset-password' ? `token=${encodeURIComponent(body.token)}&` : '';
      context = { title: t('page.csrf.title'), message: t('page.csrf.body'), retryUrl: `${path}?${token}locale=${locale}` };
    } else if (exception instanceof ApiError) {
      status = exception.status;
      headers = exception.headers;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
    } else {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (status >= 500 && exception instanceof ApiError) this.logger.warn(`${exception.code}: ${exception.message}`);
    if (status === 429) context.message = t('page.tooManyRequests');
    setPageHeaders(reply, pageCsp(this.config.brand.logoUrl));
    reply.status(status).headers(headers).send(this.presentation.renderPage('error', { locale, ...context }));
  }
}
