import { Body, Controller, HttpCode, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { LOCALE_DESCRIPTION, TOKEN_MAX_LENGTH } from '../../common/fields.js';
import { PresentErrors } from '../../common/error-presenters.js';
import { RequestLocale } from '../../common/request-locale.decorator.js';
import { ApiErrors, BODY_ERRORS, fieldError, SERVICE_ERRORS } from '../../common/swagger.js';
import { TOO_MANY_RESET_REQUESTS } from '../../common/error-catalogue.js';
import { PasswordResetService } from '../../reset/password-reset.service.js';
import { ResetFailuresInterceptor } from '../../reset/reset-failures.js';
import { StrictRateLimit } from '../../throttling/strict-rate-limit.decorator.js';
import { ResetRequestDto, TOKEN_LINK_ERRORS, TokenLinkMessageDto, TokenResetDto } from './dto/token-link.dto.js';
import { TokenLinkErrorPresenter } from './token-link.presenter.js';
import { TOKEN_LINK_TAG } from './token-link.tag.js';

/** The token-link contract: `POST /api/auth/password/reset-request` and `POST /api/auth/password/reset`. */
@ApiTags(TOKEN_LINK_TAG)
@PresentErrors(TokenLinkErrorPresenter)
@Controller('api/auth/password')
export class TokenLinkController {
  constructor(
    private readonly reset: PasswordResetService,
  ) {}

  @Post('reset-request')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ operationId: 'tokenLinkResetRequest', summary: 'Email a password reset link (in the requested locale, else DEFAULT_LOCALE)', description: 'The link points at RESET_LINK_URL with the token as `?token=`; the frontend sends that token to POST /api/auth/password/reset.' })
  @ApiQuery({ name: 'locale', required: false, schema: { type: 'string' }, description: LOCALE_DESCRIPTION })
  @ApiOkResponse({ type: TokenLinkMessageDto, example: { message: 'Password reset email sent' } })
  @ApiErrors(TOKEN_LINK_ERRORS, [
    { status: 400, code: 'no_email_addresses', message: 'The account has no email address' },
    fieldError('email', 'email or username is required', 'isDefined'),
    { status: 404, code: 'unknown_account', message: 'User not found' },
    ...BODY_ERRORS,
    TOO_MANY_RESET_REQUESTS,
    ...SERVICE_ERRORS,
  ])
  async resetRequest(@Body() body: ResetRequestDto, @RequestLocale({ body: 'locale', query: 'locale' }) locale: string) {
    const ref = body.email !== undefined ? { email: body.email } : { username: body.username! };
    await this.reset.requestReset(ref, locale);
    return { message: 'Password reset email sent' };
  }

  @Post('reset')
  @UseInterceptors(ResetFailuresInterceptor)
  @HttpCode(200)
  @ApiOperation({ operationId: 'tokenLinkReset', summary: 'Set a new password with the token from the email link; the token is used up', description: 'The token comes from the email link, as `?token=` or in the body. The password must meet the password policy; the token works once.' })
  @ApiQuery({ name: 'token', required: false, schema: { type: 'string', maxLength: TOKEN_MAX_LENGTH }, description: 'The token from the email link (or `token` in the body)' })
  @ApiOkResponse({ type: TokenLinkMessageDto, example: { message: 'Password reset successful' } })
  @ApiErrors(TOKEN_LINK_ERRORS, [
    { status: 400, code: 'password_policy', message: 'The password does not meet the requirements', violations: ['special'] },
    fieldError('password', 'password is required', 'isDefined'),
    { status: 401, code: 'token_missing', message: 'The password reset token is missing' },
    { status: 401, code: 'token_invalid', message: 'The password reset token is invalid or was already used' },
    { status: 401, code: 'token_expired', message: 'The password reset token has expired' },
    { status: 404, code: 'account_deleted', message: 'User not found' },
    ...BODY_ERRORS,
    { status: 500, code: 'database_failure', message: 'A database operation failed' },
    { status: 500, code: 'hash_failure', message: 'The password could not be processed' },
    { status: 500, code: 'post_commit_failure', message: 'The password was changed, but a follow-up step failed' },
    ...SERVICE_ERRORS,
  ])
  async resetPassword(@Body() body: TokenResetDto, @Query('token') queryToken: unknown) {
    const token = typeof queryToken === 'string' && queryToken !== '' ? queryToken : body.token;
    await this.reset.resetWithToken(token, body.password);
    return { message: 'Password reset successful' };
  }
}
