import { Body, Controller, Get, HttpCode, Post, Query, Res, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { AcceptsForms } from '../common/content-type.hook.js';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { RequestLocale } from '../common/request-locale.decorator.js';
import { AppConfig } from '../config/app-config.js';
import type { Locale } from '../locale/locale.js';
import { PasswordPolicyError, type PasswordRule } from '../password/password-policy.js';
import { type PageContext, type PageView, Presentation } from '../presentation/presentation.js';
import { PasswordResetService } from '../reset/password-reset.service.js';
import { ResetError } from '../reset/reset-errors.js';
import { ResetFailuresInterceptor } from '../reset/reset-failures.js';
import { StrictRateLimit } from '../throttling/strict-rate-limit.decorator.js';
import { PageExceptionFilter } from './page-exception.filter.js';
import { pageCsp, setPageHeaders } from './page-headers.js';
import { PAGE_FORM_LOCALE, PAGE_QUERY_LOCALE } from './page-locale.js';
import { SameSiteFormGuard } from './same-site.guard.js';

type Form = Record<string, unknown>;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Core errors that mean "this link cannot be used" (anything else is not the person's doing). */
const LINK_ERRORS = new Set<string>(['token_missing', 'token_invalid', 'token_expired', 'account_deleted']);
/** Core errors that mean "these account and code do not open a reset". */
const CODE_ERRORS = new Set<string>(['unknown_account', 'code_incorrect', 'no_reset_requested', 'code_expired', 'rate_limit_exceeded', 'account_deleted']);

interface Field {
  value?: string;
  error?: string;
}

/**
 * The hosted reset pages: "Forgot your password?" (by email address or username), the emailed
 * link's page, and the 6-digit-code page. Server-rendered HTML with plain forms; everything goes
 * through the shared reset core. Every form carries a CSRF token and is refused from other sites.
 *
 * GET never uses a token: email scanners and link previewers fetch links before people do. It
 * only reads whether the token is still usable, to show the right page.
 */
@ApiExcludeController()
@AcceptsForms() // HTML forms, protected by a CSRF token and the same-site check
@UseFilters(PageExceptionFilter)
@Controller('reset-password')
export class ResetPasswordPagesController {
  private readonly csp: string;

  constructor(
    private readonly reset: PasswordResetService,
    private readonly config: AppConfig,
    private readonly presentation: Presentation,
  ) {
    this.csp = pageCsp(config.brand.logoUrl);
  }

  @Get()
  async linkPage(
    @Query() query: Form,
    @RequestLocale(PAGE_QUERY_LOCALE) locale: Locale,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const token = str(query.token);
    const switchPath = this.linkPath(token);
    if (!token) return this.linkError(reply, locale, 'token_missing', switchPath);
    try {
      // Read-only: nothing is used, counted or changed.
      await this.reset.requestForToken(token);
    } catch (err) {
      if (err instanceof ResetError && LINK_ERRORS.has(err.code)) return this.linkError(reply, locale, err.code, switchPath, token);
      throw err;
    }
    return this.page(reply, 'reset-form', { locale, token, switchPath });
  }

  @Post()
  @UseInterceptors(ResetFailuresInterceptor)
  @HttpCode(200)
  @UseGuards(SameSiteFormGuard)
  async submitLink(
    @Body() body: Form,
    @RequestLocale(PAGE_FORM_LOCALE) locale: Locale,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const token = str(body?.token);
    const switchPath = this.linkPath(token);
    const invalid = this.checkPasswordFields(locale, body);
    if (invalid) {
      reply.status(400);
      return this.page(reply, 'reset-form', { locale, token, switchPath, ...invalid });
    }
    try {
      await this.reset.resetWithToken(token || undefined, str(body.password));
    } catch (err) {
      if (err instanceof PasswordPolicyError) {
        reply.status(400);
        return this.page(reply, 'reset-form', { locale, token, switchPath, ...this.policyFailure(locale, err.violations) });
      }
      if (err instanceof ResetError && LINK_ERRORS.has(err.code)) return this.linkError(reply, locale, err.code, switchPath, token);
      // The password was changed; only a follow-up (the notice email) failed and was logged.
      if (!(err instanceof ResetError && err.code === 'post_commit_failure')) throw err;
    }
    return this.page(reply, 'success', { locale, switchPath: '/reset-password/request' });
  }

  @Get('code')
  codePage(
    @RequestLocale(PAGE_QUERY_LOCALE) locale: Locale,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    return this.page(reply, 'code-form', { locale, switchPath: '/reset-password/code' });
  }

  @Post('code')
  @UseInterceptors(ResetFailuresInterceptor)
  @HttpCode(200)
  @UseGuards(SameSiteFormGuard)
  async submitCode(
    @Body() body: Form,
    @RequestLocale(PAGE_FORM_LOCALE) locale: Locale,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const identifier = str(body?.identifier).trim();
    const code = str(body?.code).trim();
    const base = { locale, switchPath: '/reset-password/code', identifier: { value: identifier } as Field, code: { value: code } as Field };
    const fail = (context: Partial<PageContext>) => {
      reply.status(400);
      return this.page(reply, 'code-form', { ...base, ...context } as PageContext);
    };
    const identifierError = identifier ? undefined : this.text(locale, 'page.code.identifierRequired');
    const codeError = /^\d{6}$/.test(code) ? undefined : this.text(locale, 'page.code.codeFormat');
    const passwordInvalid = this.checkPasswordFields(locale, body);
    if (identifierError || codeError || passwordInvalid) {
      return fail({
        ...passwordInvalid,
        identifier: { value: identifier, error: identifierError },
        code: { value: code, error: codeError },
      });
    }
    try {
      await this.reset.resetWithCode({ login: identifier }, code, str(body.password));
    } catch (err) {
      if (err instanceof PasswordPolicyError) return fail(this.policyFailure(locale, err.violations));
      if (err instanceof ResetError && CODE_ERRORS.has(err.code)) {
        const key =
          err.code === 'code_expired' ? 'page.code.codeExpired' : err.code === 'rate_limit_exceeded' ? 'page.code.codeLocked' : 'page.code.codeWrong';
        return fail({ code: { value: code, error: this.text(locale, key) } });
      }
      if (!(err instanceof ResetError && err.code === 'post_commit_failure')) throw err;
    }
    return this.page(reply, 'success', { locale, switchPath: '/reset-password/request' });
  }

  /** "Forgot your password?": where a person starts. */
  @Get('request')
  requestPage(
    @RequestLocale(PAGE_QUERY_LOCALE) locale: Locale,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    return this.page(reply, 'request-form', { locale, switchPath: '/reset-password/request', identifier: {} });
  }

  /**
   * Sends a new email to the account with this email address or username. Whether such an
   * account exists is never shown: the answer is the same either way.
   */
  @Post('request')
  @HttpCode(200)
  @StrictRateLimit()
  @UseGuards(SameSiteFormGuard)
  async submitRequest(
    @Body() body: Form,
    @RequestLocale(PAGE_FORM_LOCALE) locale: Locale,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const identifier = (str(body?.identifier) || str(body?.email)).trim();
    const switchPath = '/reset-password/request';
    if (!identifier || identifier.length > 254) {
      reply.status(400);
      const error = this.text(locale, 'page.request.identifierRequired');
      return this.page(reply, 'request-form', { locale, switchPath, identifier: { value: identifier, error } });
    }
    try {
      await this.reset.requestReset({ login: identifier }, locale, { conceal: true });
    } catch (err) {
      if (err instanceof ResetError && (err.code === 'unknown_account' || err.code === 'no_email_addresses')) {
        // Answered like a known account.
      } else if (err instanceof ApiError && err.status === 429) {
        reply.status(429).headers(err.headers);
        return this.page(reply, 'request-form', { locale, switchPath, identifier: { value: identifier }, alert: this.text(locale, 'page.tooManyRequests') });
      } else {
        throw err;
      }
    }
    return this.page(reply, 'request-sent', { locale, switchPath, identifier });
  }

  private page(reply: FastifyReply, view: PageView, context: PageContext): string {
    setPageHeaders(reply, this.csp);
    const csrfToken = reply.generateCsrf();
    return this.presentation.renderPage(view, { csrfToken, ...context });
  }

  private text(locale: Locale, key: string, params?: Record<string, unknown>): string {
    return this.presentation.text(locale, key, params);
  }

  private linkPath(token: string): string {
    return token ? `/reset-password?token=${encodeURIComponent(token)}` : '/reset-password';
  }

  /** Required password and matching confirmation, checked before the core sees anything. */
  private checkPasswordFields(locale: Locale, body: Form): Partial<PageContext> | undefined {
    const password = str(body?.password);
    if (!password) return { password: { error: this.text(locale, 'page.password.required') } };
    if (str(body.password_confirm) !== password) {
      // What was typed in the first field stays; only the repetition is asked for again.
      return { password: { value: password }, confirm: { error: this.text(locale, 'page.password.mismatch') } };
    }
    return undefined;
  }

  /** The failed rules are marked in the rule list; the field says once what to do. */
  private policyFailure(locale: Locale, violations: PasswordRule[]): Partial<PageContext> {
    const key =
      violations.length === 1 && violations[0] === 'max_bytes'
        ? 'page.password.tooLong'
        : violations.length === 1 && violations[0] === 'common'
          ? 'page.password.common'
          : 'page.password.policy';
    return { rules: this.presentation.rules(locale, violations), violations, password: { error: this.text(locale, key) } };
  }

  private async linkError(reply: FastifyReply, locale: Locale, code: string, switchPath: string, token?: string): Promise<string> {
    reply.status(code === 'token_missing' ? 400 : 410);
    if (code === 'token_invalid' && token && (await this.reset.tokenWasUsed(token))) {
      return this.page(reply, 'link-used', { locale, switchPath });
    }
    const reason = code === 'token_expired' ? 'expired' : code === 'token_missing' ? 'missing' : 'invalid';
    const message = this.text(locale, `page.linkError.${reason}`);
    return this.page(reply, 'link-error', { locale, reason, message, switchPath, identifier: {} });
  }
}
