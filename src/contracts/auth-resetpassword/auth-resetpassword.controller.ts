import { Body, Controller, HttpCode, Patch, Post, Query, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../../auth/access-token.guard.js';
import { ApiError } from '../../common/api-error.js';
import { PresentErrors } from '../../common/error-presenters.js';
import { RequestLocale } from '../../common/request-locale.decorator.js';
import { LOCALE_DESCRIPTION } from '../../common/fields.js';
import { ApiErrors, BODY_ERRORS, fieldError, SERVICE_ERRORS } from '../../common/swagger.js';
import { TOO_MANY_ATTEMPTS, TOO_MANY_RESET_REQUESTS, UNAUTHORIZED } from '../../common/error-catalogue.js';
import { PasswordChangeService } from '../../auth/password-change.service.js';
import { PasswordResetService } from '../../reset/password-reset.service.js';
import { ResetFailuresInterceptor } from '../../reset/reset-failures.js';
import { StrictRateLimit } from '../../throttling/strict-rate-limit.decorator.js';
import { AuthResetPasswordErrorPresenter } from './auth-resetpassword.presenter.js';
import { AUTH_RESETPASSWORD_TAG } from './auth-resetpassword.tag.js';
import { ChangeFlowBearerGuard } from './change-flow-bearer.guard.js';
import { AUTH_RESETPASSWORD_ERRORS, AuthForgotPasswordDto, AuthMessageDto, AuthResetPasswordDto, ResetPasswordResultDto } from './dto/auth-resetpassword.dto.js';
import { invalidFlow, requestedFlow } from './reset-flow.js';
import { TokenResponse } from '../../auth/token-response.js';

const RESET_DESCRIPTION = [
  'Flow 1 (forgot password): `?code=` with the 6-digit code from /auth/forgotpassword; no authentication (the security requirement is optional for this flow).',
  'Flow 2 (change password): `Authorization: Bearer <token>` and `current_password` in the body; returns a fresh access token. Only this flow needs the Bearer token.',
  'Provide either `code` or `current_password`, not both (`invalid_flow`).',
].join('\n\n');

/** The auth-resetpassword contract: `POST /auth/forgotpassword` and `PATCH /auth/resetpassword`. */
@ApiTags(AUTH_RESETPASSWORD_TAG)
@PresentErrors(AuthResetPasswordErrorPresenter)
// No controller path: the contract owns these two routes, not the rest of /auth.
@Controller()
export class AuthResetPasswordController {
  constructor(
    private readonly reset: PasswordResetService,
    private readonly change: PasswordChangeService,
  ) {}

  @Post('auth/forgotpassword')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ operationId: 'authForgotPassword', summary: 'Email a verification code (and link) for a password reset', description: 'Flow 1 of PATCH /auth/resetpassword starts here: the email carries the 6-digit code to send as `?code=`.' })
  @ApiQuery({ name: 'locale', required: false, schema: { type: 'string' }, description: LOCALE_DESCRIPTION })
  @ApiOkResponse({ type: AuthMessageDto, example: { message: 'Verification code sent' } })
  @ApiErrors(AUTH_RESETPASSWORD_ERRORS, [
    fieldError('email', 'email is required', 'isDefined'),
    { status: 400, code: 'no_email_addresses', message: 'There are no email addresses for this account' },
    { status: 404, code: 'unknown_account', message: 'No account with this email address' },
    ...BODY_ERRORS,
    TOO_MANY_RESET_REQUESTS,
    ...SERVICE_ERRORS,
  ])
  async forgotPassword(
    @Body() body: AuthForgotPasswordDto,
    @RequestLocale({ body: 'locale', query: 'locale', acceptLanguage: true }) locale: string,
  ) {
    await this.reset.requestReset({ email: body.email }, locale);
    return { message: 'Verification code sent' };
  }

  @Patch('auth/resetpassword')
  @UseInterceptors(ResetFailuresInterceptor)
  @HttpCode(200)
  @TokenResponse() // flow 2 answers a fresh access token
  @UseGuards(ChangeFlowBearerGuard)
  @ApiBearerAuth()
  @ApiSecurity({})
  @ApiOperation({ operationId: 'authResetPassword', summary: 'Reset the password with a code (flow 1) or change it with the current one (flow 2)', description: RESET_DESCRIPTION })
  @ApiQuery({
    name: 'code',
    required: false,
    schema: { type: 'string' },
    description: "Flow 1: the 6-digit verification code sent to the user's email (required for the forgot password flow; leave it out in flow 2)",
  })
  @ApiBody({
    type: AuthResetPasswordDto,
    examples: {
      forgot: { summary: 'Flow 1: with ?code= (no Bearer token)', value: { email: 'user@example.com', new_password: 'NewSecurePassword123!', confirm_password: 'NewSecurePassword123!' } },
      change: { summary: 'Flow 2: with the Bearer token', value: { email: 'user@example.com', current_password: 'OldPassword123!', new_password: 'NewSecurePassword123!', confirm_password: 'NewSecurePassword123!' } },
    },
  })
  @ApiOkResponse({
    type: ResetPasswordResultDto,
    examples: {
      forgot: { summary: 'Flow 1', value: { message: 'Password reset successful' } },
      change: { summary: 'Flow 2', value: { message: 'Password reset successful', access_token: 'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCJ9…', token_type: 'bearer', expires_in: 900, refresh_token: 'Xq3V8d0bJr5m0Gk2y6uM1cN9pQ4wE7tZsA0hL2fKj8U', refresh_expires_in: 1209600 } },
    },
  })
  @ApiErrors(AUTH_RESETPASSWORD_ERRORS, [
    { status: 400, code: 'invalid_flow', message: 'Provide either the code query parameter (forgot password) or current_password (change password), not both' },
    { status: 400, code: 'code_incorrect', message: 'The code is incorrect' },
    { status: 400, code: 'code_expired', message: 'The code has expired; request a new one' },
    { status: 400, code: 'rate_limit_exceeded', message: 'Rate limit exceeded; request a new code' },
    { status: 400, code: 'no_reset_requested', message: 'There was no code for a password reset requested' },
    { status: 400, code: 'password_mismatch', message: 'confirm_password does not match new_password' },
    { status: 400, code: 'current_password_incorrect', message: 'The current password is incorrect' },
    { status: 400, code: 'same_password', message: 'The new password must differ from the current one' },
    { status: 400, code: 'password_policy', message: 'The password does not meet the requirements', violations: ['uppercase', 'special'] },
    fieldError('email', 'email is required', 'isDefined'),
    UNAUTHORIZED,
    { status: 403, code: 'email_mismatch', message: 'The email address does not belong to the authenticated account' },
    { status: 404, code: 'unknown_account', message: 'No account with this email address' },
    ...BODY_ERRORS,
    TOO_MANY_ATTEMPTS,
    ...SERVICE_ERRORS,
  ], {
    401: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' }, required: true } },
  })
  async resetPassword(
    @Query('code') code: unknown,
    @Body() body: AuthResetPasswordDto,
    @Req() request: FastifyRequest & { user?: AuthenticatedUser },
    @RequestLocale({ acceptLanguage: true }) locale: string,
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
      locale,
    });
    return { message: 'Password reset successful', ...token };
  }
}
