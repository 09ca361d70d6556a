import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PresentErrors } from '../../common/error-presenters.js';
import { RequestLocale } from '../../common/request-locale.decorator.js';
import { ApiErrors, BODY_ERRORS, fieldError, SERVICE_ERRORS } from '../../common/swagger.js';
import { TOO_MANY_RESET_REQUESTS } from '../../common/error-catalogue.js';
import { PasswordResetService } from '../../reset/password-reset.service.js';
import { ResetFailuresInterceptor } from '../../reset/reset-failures.js';
import { StrictRateLimit } from '../../throttling/strict-rate-limit.decorator.js';
import {
  FASTAPI_ERRORS,
  ForgotPasswordConfirmationDto,
  ForgotPasswordMessageDto,
  ForgotPasswordRequestDto,
} from './dto/forgot-password.dto.js';
import { FastApiErrorPresenter } from './forgot-password.presenter.js';
import { FORGOT_PASSWORD_TAG } from './forgot-password.tag.js';

/** The forgot-password contract: `POST /forgot-password/code` and `POST /forgot-password/confirm`. */
@ApiTags(FORGOT_PASSWORD_TAG)
@PresentErrors(FastApiErrorPresenter)
@Controller('forgot-password')
export class ForgotPasswordController {
  constructor(
    private readonly reset: PasswordResetService,
  ) {}

  @Post('code')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ operationId: 'forgotPasswordSendCode', summary: 'Send a password reset code and link to the user\'s email', description: 'Generates a one-time code and reset link, stores them with an expiry and emails them. No authentication; 404 when the email does not exist.' })
  @ApiOkResponse({ type: ForgotPasswordMessageDto, example: { message: 'Password reset code sent' } })
  @ApiErrors(FASTAPI_ERRORS, [
    { status: 404, code: 'unknown_account', message: 'User not found' },
    fieldError('email', 'email must be an email', 'isEmail'),
    ...BODY_ERRORS,
    TOO_MANY_RESET_REQUESTS,
    ...SERVICE_ERRORS,
  ])
  async sendCode(@Body() body: ForgotPasswordRequestDto, @RequestLocale({ acceptLanguage: true }) locale: string) {
    await this.reset.requestReset({ email: body.email }, locale);
    return { message: 'Password reset code sent' };
  }

  @Post('confirm')
  @UseInterceptors(ResetFailuresInterceptor)
  @HttpCode(200)
  @ApiOperation({
    operationId: 'forgotPasswordConfirm',
    summary: 'Set the new password with the reset token from the email link; the token is used up',
    description: '`code` is the token of the link in the reset email (`…/reset-password?token=<code>`), not the 6-digit code: this route names no account.',
  })
  @ApiOkResponse({ type: ForgotPasswordMessageDto, example: { message: 'Password has been reset' } })
  @ApiErrors(FASTAPI_ERRORS, [
    { status: 400, code: 'password_mismatch', message: 'Passwords do not match' },
    { status: 400, code: 'password_policy', message: 'The password does not meet the requirements', violations: ['uppercase', 'special'] },
    { status: 404, code: 'token_invalid', message: 'Invalid or expired code' },
    fieldError('code', 'code is required', 'isDefined'),
    ...BODY_ERRORS,
    ...SERVICE_ERRORS,
  ])
  async confirm(@Body() body: ForgotPasswordConfirmationDto) {
    await this.reset.resetWithToken(body.code, body.new_password, body.confirm_password);
    return { message: 'Password has been reset' };
  }
}
