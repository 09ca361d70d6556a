import { Body, Controller, Get, HttpCode, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { AcceptsForms } from '../common/content-type.hook.js';
import { RequestLocale } from '../common/request-locale.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { EmailVerifications } from '../emails/email-verifications.js';
import type { Locale } from '../locale/locale.js';
import { type PageContext, type PageView, Presentation } from '../presentation/presentation.js';
import { PageExceptionFilter } from './page-exception.filter.js';
import { pageCsp, setPageHeaders } from './page-headers.js';
import { PAGE_FORM_LOCALE, PAGE_QUERY_LOCALE } from './page-locale.js';
import { SameSiteFormGuard } from './same-site.guard.js';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The page of the verification email's link: GET shows a confirm button and changes nothing
 * (mail scanners and link previewers fetch links); the button's POST, with the form's CSRF
 * token and from this site only, confirms the address.
 */
@ApiExcludeController()
@AcceptsForms()
@UseFilters(PageExceptionFilter)
@Controller('verify-email')
export class VerifyEmailPagesController {
  private readonly csp: string;

  constructor(
    private readonly verifications: EmailVerifications,
    private readonly presentation: Presentation,
    config: AppConfig,
  ) {
    this.csp = pageCsp(config.brand.logoUrl);
  }

  @Get()
  async confirmPage(
    @Query() query: Record<string, unknown>,
    @RequestLocale(PAGE_QUERY_LOCALE) locale: Locale,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const token = str(query.token);
    if (!token || !(await this.verifications.tokenUsable(token))) return this.linkError(reply, locale);
    return this.page(reply, 'verify-email', { locale, token });
  }

  @Post()
  @HttpCode(200)
  @UseGuards(SameSiteFormGuard)
  async confirm(
    @Body() body: Record<string, unknown>,
    @RequestLocale(PAGE_FORM_LOCALE) locale: Locale,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const token = str(body?.token);
    if (!token) return this.linkError(reply, locale);
    try {
      const { email } = await this.verifications.verifyToken(token);
      return this.page(reply, 'verify-email-done', { locale, email });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) return this.linkError(reply, locale);
      throw err;
    }
  }

  private linkError(reply: FastifyReply, locale: Locale): string {
    reply.status(410);
    return this.page(reply, 'verify-email-error', { locale });
  }

  private page(reply: FastifyReply, view: PageView, context: PageContext): string {
    setPageHeaders(reply, this.csp);
    return this.presentation.renderPage(view, { csrfToken: reply.generateCsrf(), ...context });
  }
}
