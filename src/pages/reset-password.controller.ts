import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { resolveLocale, type Locale } from '../mail/locale.js';
import { PasswordPolicyError, type PasswordRule } from '../password/password-policy.js';
import { PasswordResetService } from '../reset/password-reset.service.js';
import { ResetError } from '../reset/reset-errors.js';
import { StrictRateLimit } from '../throttling/strict-rate-limit.decorator.js';
import { PAGE_MESSAGES, type PageMessages } from './messages.js';
import { PageExceptionFilter } from './page-exception.filter.js';
import { setPageHeaders } from './page-headers.js';
import { renderPage, rulesView, type PageContext } from './templates.js';

type Form = Record<string, unknown>;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Core errors that mean "this link cannot be used" (anything else is not the person's doing). */
const LINK_ERRORS = new Set<string>(['token_missing', 'token_invalid', 'token_expired', 'account_deleted']);
/** Core errors that mean "these account and code do not open a reset". */
const CODE_ERRORS = new Set<string>(['unknown_account', 'code_incorrect', 'no_reset_requested', 'code_expired', 'rate_limit_exceeded', 'account_deleted']);

/**
 * The hosted reset pages: the emailed link's page, the 6-digit-code page, and a "send me a new
 * email" form. Server-rendered HTML with plain forms; everything goes through the shared reset core.
 *
 * GET never uses a token: email scanners and link previewers fetch links before people do. It
 * only reads whether the token is still usable, to show the right page.
 */
@ApiExcludeController()
@UseFilters(PageExceptionFilter)
@Controller('reset-password')
export class ResetPasswordPagesController {
  constructor(
    private readonly reset: PasswordResetService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async linkPage(
    @Query() query: Form,
    @Headers('accept-language') acceptLanguage: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const locale = this.locale(query, {}, acceptLanguage);
    const token = str(query.token);
    setPageHeaders(reply);
    const switchPath = token ? `/reset-password?token=${encodeURIComponent(token)}` : '/reset-password';
    if (!token) return this.linkError(reply, locale, 'token_missing', switchPath);
    try {
      // Read-only: nothing is used, counted or changed.
      await this.reset.requestForToken(token);
    } catch (err) {
      if (err instanceof ResetError && LINK_ERRORS.has(err.code)) return this.linkError(reply, locale, err.code, switchPath);
      throw err;
    }
    return renderPage('resetForm', { locale, token, switchPath });
  }

  @Post()
  @HttpCode(200)
  async submitLink(
    @Body() body: Form,
    @Query() query: Form,
    @Headers('accept-language') acceptLanguage: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const locale = this.locale(query, body, acceptLanguage);
    const t = PAGE_MESSAGES[locale];
    const token = str(body?.token);
    setPageHeaders(reply);
    const invalid = this.checkPasswordFields(t, body);
    if (invalid) {
      reply.status(400);
      return renderPage('resetForm', { locale, token, ...invalid });
    }
    try {
      await this.reset.resetWithToken(token || undefined, str(body.password));
    } catch (err) {
      if (err instanceof PasswordPolicyError) {
        reply.status(400);
        return renderPage('resetForm', { locale, token, ...this.policyFailure(t, err.violations) });
      }
      if (err instanceof ResetError && LINK_ERRORS.has(err.code)) return this.linkError(reply, locale, err.code);
      // The password was changed; only a follow-up (the notice email) failed and was logged.
      if (!(err instanceof ResetError && err.code === 'post_commit_failure')) throw err;
    }
    return renderPage('success', { locale });
  }

  @Get('code')
  codePage(
    @Query() query: Form,
    @Headers('accept-language') acceptLanguage: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    const locale = this.locale(query, {}, acceptLanguage);
    setPageHeaders(reply);
    return renderPage('codeForm', { locale, switchPath: '/reset-password/code' });
  }

  @Post('code')
  @HttpCode(200)
  async submitCode(
    @Body() body: Form,
    @Query() query: Form,
    @Headers('accept-language') acceptLanguage: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const locale = this.locale(query, body, acceptLanguage);
    const t = PAGE_MESSAGES[locale];
    setPageHeaders(reply);
    const identifier = str(body?.identifier).trim();
    const code = str(body?.code).trim();
    const echo = { identifier: { value: identifier }, code: { value: code } };
    const fail = (context: Partial<PageContext>) => {
      reply.status(400);
      return renderPage('codeForm', { locale, ...echo, ...context } as PageContext);
    };
    const errors: { field: string; message: string }[] = [];
    if (!identifier) errors.push({ field: 'identifier', message: t.identifierRequired });
    if (!/^\d{6}$/.test(code)) errors.push({ field: 'code', message: t.codeFormat });
    const passwordInvalid = this.checkPasswordFields(t, body);
    if (errors.length || passwordInvalid) {
      return fail({
        ...passwordInvalid,
        errors: [...errors, ...(passwordInvalid?.errors ?? [])],
        identifier: { value: identifier, error: errors.find((e) => e.field === 'identifier')?.message },
        code: { value: code, error: errors.find((e) => e.field === 'code')?.message },
      });
    }
    try {
      await this.reset.resetWithCode({ login: identifier }, code, str(body.password));
    } catch (err) {
      if (err instanceof PasswordPolicyError) return fail(this.policyFailure(t, err.violations));
      if (err instanceof ResetError && CODE_ERRORS.has(err.code)) {
        const message =
          err.code === 'code_expired' ? t.codeExpired : err.code === 'rate_limit_exceeded' ? t.codeLocked : t.codeWrong;
        return fail({ errors: [{ field: 'code', message }], code: { value: code, error: message } });
      }
      if (!(err instanceof ResetError && err.code === 'post_commit_failure')) throw err;
    }
    return renderPage('success', { locale });
  }

  @Get('request')
  requestPage(
    @Query() query: Form,
    @Headers('accept-language') acceptLanguage: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    const locale = this.locale(query, {}, acceptLanguage);
    setPageHeaders(reply);
    return renderPage('requestForm', { locale, switchPath: '/reset-password/request' });
  }

  /**
   * Sends a new email to the account that uses this address. Whether such an account exists is
   * never shown: the answer is the same either way.
   */
  @Post('request')
  @HttpCode(200)
  @StrictRateLimit()
  async submitRequest(
    @Body() body: Form,
    @Query() query: Form,
    @Headers('accept-language') acceptLanguage: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const locale = this.locale(query, body, acceptLanguage);
    const t = PAGE_MESSAGES[locale];
    setPageHeaders(reply);
    const email = str(body?.email).trim();
    if (!EMAIL.test(email) || email.length > 254) {
      reply.status(400);
      return renderPage('requestForm', {
        locale,
        email: { value: email, error: t.emailInvalid },
        errors: [{ field: 'email', message: t.emailInvalid }],
      });
    }
    try {
      await this.reset.requestReset({ email }, locale, { conceal: true });
    } catch (err) {
      if (err instanceof ResetError && (err.code === 'unknown_account' || err.code === 'no_email_addresses')) {
        // Answered like a known account.
      } else if (err instanceof ApiError && err.status === 429) {
        reply.status(429).headers(err.headers);
        return renderPage('requestForm', { locale, email: { value: email }, errors: [{ message: t.tooManyRequests }] });
      } else {
        throw err;
      }
    }
    return renderPage('requestSent', { locale, sentBody: t.requestSentBody.replace('{{email}}', email) });
  }

  private locale(query: Form, body: Form, acceptLanguage: unknown): Locale {
    return resolveLocale([query?.locale, body?.locale], acceptLanguage, this.config.mail.defaultLocale);
  }

  /** Required password and matching confirmation, checked before the core sees anything. */
  private checkPasswordFields(t: PageMessages, body: Form): Partial<PageContext> | undefined {
    const password = str(body?.password);
    if (!password) {
      return { password: { error: t.passwordRequired }, errors: [{ field: 'password', message: t.passwordRequired }] };
    }
    if (str(body.password_confirm) !== password) {
      return { confirm: { error: t.passwordMismatch }, errors: [{ field: 'password_confirm', message: t.passwordMismatch }] };
    }
    return undefined;
  }

  private policyFailure(t: PageMessages, violations: PasswordRule[]): Partial<PageContext> {
    const failed = violations.map((rule) => t.rules[rule]).join('; ');
    return {
      rules: rulesView(t, violations),
      violations,
      password: { error: `${t.stillNeeded}: ${failed}` },
      errors: [{ field: 'password', message: t.passwordPolicy }],
    };
  }

  private linkError(reply: FastifyReply, locale: Locale, code: string, switchPath?: string): string {
    const t = PAGE_MESSAGES[locale];
    const reason = code === 'token_expired' ? 'expired' : code === 'token_missing' ? 'missing' : 'invalid';
    const message = reason === 'expired' ? t.linkExpired : reason === 'missing' ? t.linkMissing : t.linkInvalid;
    reply.status(code === 'token_missing' ? 400 : 410);
    return renderPage('linkError', { locale, reason, message, switchPath, email: {} });
  }
}
