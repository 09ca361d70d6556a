import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config.js';
import { resolveLocale } from '../../mail/locale.js';
import { PasswordResetService } from '../../reset/password-reset.service.js';
import { StrictRateLimit } from '../../throttling/strict-rate-limit.decorator.js';
import {
  FastApiErrorDto,
  FastApiValidationErrorDto,
  ForgotPasswordConfirmationDto,
  ForgotPasswordRequestDto,
  MessageDto,
} from './dto/forgot-password.dto.js';
import { FORGOT_PASSWORD_TAG } from './forgot-password.tag.js';

/** Seed 000: `POST /forgot-password/code` and `POST /forgot-password/confirm`. */
@ApiTags(FORGOT_PASSWORD_TAG)
@Controller('forgot-password')
@ApiUnprocessableEntityResponse({ type: FastApiValidationErrorDto, description: 'Request validation failed' })
export class ForgotPasswordController {
  constructor(
    private readonly reset: PasswordResetService,
    private readonly config: AppConfig,
  ) {}

  @Post('code')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ summary: 'Send a password reset code and link to the user\'s email' })
  @ApiOkResponse({ type: MessageDto, example: { message: 'Password reset code sent' } })
  @ApiNotFoundResponse({ type: FastApiErrorDto, example: { detail: 'User not found' } })
  @ApiTooManyRequestsResponse({ type: FastApiErrorDto, example: { detail: 'Too many password reset requests; try again later' } })
  async sendCode(@Body() body: ForgotPasswordRequestDto, @Headers('accept-language') acceptLanguage: unknown) {
    const locale = resolveLocale([], acceptLanguage, this.config.mail.defaultLocale);
    await this.reset.requestReset({ email: body.email }, locale);
    return { message: 'Password reset code sent' };
  }

  @Post('confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the new password with the reset token from the email link; the token is used up' })
  @ApiOkResponse({ type: MessageDto, example: { message: 'Password has been reset' } })
  @ApiNotFoundResponse({ type: FastApiErrorDto, example: { detail: 'Invalid or expired code' } })
  @ApiBadRequestResponse({ type: FastApiErrorDto, example: { detail: 'Passwords do not match' }, description: 'Passwords do not match, or the password policy is not met' })
  async confirm(@Body() body: ForgotPasswordConfirmationDto) {
    await this.reset.resetWithToken(body.code, body.new_password, body.confirm_password);
    return { message: 'Password has been reset' };
  }
}
