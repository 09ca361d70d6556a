import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiInternalServerErrorResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config.js';
import { resolveLocale } from '../../mail/locale.js';
import { PasswordResetService } from '../../reset/password-reset.service.js';
import { StrictRateLimit } from '../../throttling/strict-rate-limit.decorator.js';
import { ResetRequestDto, TokenLinkErrorDto, TokenLinkMessageDto, TokenResetDto } from './dto/token-link.dto.js';

export const TOKEN_LINK_TAG = 'Seed 003: password reset by email link token';

const error = (code: string, message: string) => ({ summary: code, value: { code, message } });

/** Seed 003: `POST /api/auth/password/reset-request` and `POST /api/auth/password/reset`. */
@ApiTags(TOKEN_LINK_TAG)
@Controller('api/auth/password')
export class TokenLinkController {
  constructor(
    private readonly reset: PasswordResetService,
    private readonly config: AppConfig,
  ) {}

  @Post('reset-request')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ summary: 'Email a password reset link (in the requested locale, else DEFAULT_LOCALE)' })
  @ApiQuery({ name: 'locale', required: false, enum: ['en', 'de'] })
  @ApiOkResponse({ type: TokenLinkMessageDto, example: { message: 'Password reset email sent' } })
  @ApiBadRequestResponse({ type: TokenLinkErrorDto, examples: { EMAIL_NOT_AVAILABLE: error('EMAIL_NOT_AVAILABLE', 'The account has no email address') } })
  @ApiNotFoundResponse({ type: TokenLinkErrorDto, examples: { USER_NOT_FOUND: error('USER_NOT_FOUND', 'User not found') } })
  @ApiTooManyRequestsResponse({ type: TokenLinkErrorDto, description: '`TOO_MANY_REQUESTS` (with Retry-After)' })
  async resetRequest(@Body() body: ResetRequestDto, @Query('locale') queryLocale: unknown) {
    const locale = resolveLocale([body.locale, queryLocale], undefined, this.config.mail.defaultLocale);
    const ref = body.email !== undefined ? { email: body.email } : { username: body.username! };
    await this.reset.requestReset(ref, locale);
    return { message: 'Password reset email sent' };
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with the token from the email link; the token is used up' })
  @ApiQuery({ name: 'token', required: false, description: 'The token from the email link (or `token` in the body)' })
  @ApiOkResponse({ type: TokenLinkMessageDto, example: { message: 'Password reset successful' } })
  @ApiBadRequestResponse({ type: TokenLinkErrorDto, examples: { PASSWORD_POLICY_VIOLATION: { summary: 'PASSWORD_POLICY_VIOLATION', value: { code: 'PASSWORD_POLICY_VIOLATION', message: 'The password does not meet the requirements', violations: ['special'] } } } })
  @ApiUnauthorizedResponse({
    type: TokenLinkErrorDto,
    examples: {
      PASSWORD_RESET_TOKEN_MISSING: error('PASSWORD_RESET_TOKEN_MISSING', 'The password reset token is missing'),
      PASSWORD_RESET_TOKEN_INVALID: error('PASSWORD_RESET_TOKEN_INVALID', 'The password reset token is invalid or was already used'),
      PASSWORD_RESET_TOKEN_EXPIRED: error('PASSWORD_RESET_TOKEN_EXPIRED', 'The password reset token has expired'),
    },
  })
  @ApiNotFoundResponse({ type: TokenLinkErrorDto, examples: { USER_NOT_FOUND: error('USER_NOT_FOUND', 'User not found') } })
  @ApiInternalServerErrorResponse({
    type: TokenLinkErrorDto,
    examples: {
      DATABASE_FAILURE: error('DATABASE_FAILURE', 'A database operation failed'),
      HASH_FAILURE: error('HASH_FAILURE', 'The password could not be processed'),
      POST_COMMIT_SIDE_EFFECT_FAILURE: error('POST_COMMIT_SIDE_EFFECT_FAILURE', 'The password was changed, but a follow-up step failed'),
    },
  })
  async resetPassword(@Body() body: TokenResetDto, @Query('token') queryToken: unknown) {
    const token = typeof queryToken === 'string' && queryToken !== '' ? queryToken : body.token;
    await this.reset.resetWithToken(token, body.password);
    return { message: 'Password reset successful' };
  }
}
