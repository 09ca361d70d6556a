import { Body, Controller, Headers, HttpCode, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../../auth/access-token.guard.js';
import { ApiError } from '../../common/api-error.js';
import { ErrorDto } from '../../common/swagger.js';
import { AppConfig } from '../../config/app-config.js';
import { resolveLocale } from '../../mail/locale.js';
import { PasswordChangeService } from '../../reset/password-change.service.js';
import { PasswordResetService } from '../../reset/password-reset.service.js';
import { StrictRateLimit } from '../../throttling/strict-rate-limit.decorator.js';
import { ChangeFlowBearerGuard } from './change-flow-bearer.guard.js';
import { AuthForgotPasswordDto, AuthResetPasswordDto, MessageDto, ResetPasswordResultDto } from './dto/auth-resetpassword.dto.js';
import { invalidFlow, requestedFlow } from './reset-flow.js';

export const AUTH_RESETPASSWORD_TAG = 'Seed 001: auth/forgotpassword and auth/resetpassword (code or Bearer change)';

const RESET_DESCRIPTION = [
  'Flow 1 (forgot password): `?code=` with the 6-digit code from /auth/forgotpassword; no authentication.',
  'Flow 2 (change password): `Authorization: Bearer <token>` and `current_password` in the body; returns a fresh access token.',
  'Provide either `code` or `current_password`, not both.',
].join('\n\n');

/** Seed 001: `POST /auth/forgotpassword` and `PATCH /auth/resetpassword`. */
@ApiTags(AUTH_RESETPASSWORD_TAG)
@Controller('auth')
@ApiBadRequestResponse({ type: ErrorDto, description: '`validation_failed`, `invalid_json`' })
export class AuthResetPasswordController {
  constructor(
    private readonly reset: PasswordResetService,
    private readonly change: PasswordChangeService,
    private readonly config: AppConfig,
  ) {}

  @Post('forgotpassword')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ summary: 'Email a verification code (and link) for a password reset' })
  @ApiQuery({ name: 'locale', required: false, enum: ['en', 'de'] })
  @ApiOkResponse({ type: MessageDto, example: { message: 'Verification code sent' } })
  @ApiNotFoundResponse({ type: ErrorDto, example: { statusCode: 404, error_code: 'unknown_account', message: 'No account with this email address' } })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: '`too_many_requests` (with Retry-After)' })
  async forgotPassword(
    @Body() body: AuthForgotPasswordDto,
    @Query('locale') queryLocale: unknown,
    @Headers('accept-language') acceptLanguage: unknown,
  ) {
    const locale = resolveLocale([body.locale, queryLocale], acceptLanguage, this.config.mail.defaultLocale);
    await this.reset.requestReset({ email: body.email }, locale);
    return { message: 'Verification code sent' };
  }

  @Patch('resetpassword')
  @HttpCode(200)
  @UseGuards(ChangeFlowBearerGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Reset the password with a code (flow 1) or change it with the current one (flow 2)', description: RESET_DESCRIPTION })
  @ApiQuery({ name: 'code', required: false, description: "The verification code sent to the user's email (required for forgot password flow)", example: '482901' })
  @ApiOkResponse({
    type: ResetPasswordResultDto,
    examples: {
      forgot: { summary: 'Flow 1', value: { message: 'Password reset successful' } },
      change: { summary: 'Flow 2', value: { message: 'Password reset successful', access_token: 'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCJ9…', token_type: 'bearer', expires_in: 900, refresh_token: 'Xq3V8d0bJr5m0Gk2y6uM1cN9pQ4wE7tZsA0hL2fKj8U', refresh_expires_in: 1209600 } },
    },
  })
  @ApiBadRequestResponse({
    type: ErrorDto,
    description: '`invalid_flow`, `code_incorrect`, `code_expired`, `rate_limit_exceeded`, `no_reset_requested`, `password_mismatch`, `current_password_incorrect`, `same_password`, `password_policy`, `validation_failed`',
  })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'Flow 2 without a valid, unrevoked token: `unauthorized`' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Flow 2: `email_mismatch` (the email is not the token\'s account)' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'Flow 1: `unknown_account`' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'Flow 2: `too_many_attempts` (login throttle)' })
  async resetPassword(
    @Query('code') code: unknown,
    @Body() body: AuthResetPasswordDto,
    @Req() request: FastifyRequest & { user?: AuthenticatedUser },
    @Headers('accept-language') acceptLanguage: unknown,
  ) {
    if (code !== undefined && typeof code !== 'string') throw new ApiError(400, 'validation_failed', 'code must be a single value');
    const flow = requestedFlow(code, body.current_password);
    if (!flow) throw invalidFlow();
    if (flow === 'forgot') {
      await this.reset.resetWithCode({ email: body.email }, code as string, body.new_password, body.confirm_password);
      return { message: 'Password reset successful' };
    }
    const token = await this.change.changePassword({
      userId: request.user!.id,
      tokenVersion: request.user!.tokenVersion,
      email: body.email,
      currentPassword: body.current_password!,
      newPassword: body.new_password,
      confirmPassword: body.confirm_password,
      clientIp: request.ip,
      locale: resolveLocale([], acceptLanguage, this.config.mail.defaultLocale),
    });
    return { message: 'Password reset successful', ...token };
  }
}
