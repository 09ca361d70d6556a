import { Body, Controller, Headers, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config.js';
import { resolveLocale } from '../../mail/locale.js';
import { PasswordResetService } from '../../reset/password-reset.service.js';
import { StrictRateLimit } from '../../throttling/strict-rate-limit.decorator.js';
import { CheckCodeDto, CodeCorrectDto, ResetPasswordDto, SendEmailDto, UsernameCodeErrorDto } from './dto/username-code.dto.js';

const msgSchema = (msg: string) => ({
  type: 'object',
  properties: { msg: { type: 'string', example: msg } },
  required: ['msg'],
});

export const USERNAME_CODE_TAG = 'Seed 002: forgotPassword by username and 6-digit code';

/** Seed 002: `/api/auth/forgotPassword/{sendEmail,checkCode,resetPassword}`. */
@ApiTags(USERNAME_CODE_TAG)
@Controller('api/auth/forgotPassword')
@ApiBadRequestResponse({ type: UsernameCodeErrorDto, description: 'See error_code' })
export class UsernameCodeController {
  constructor(
    private readonly reset: PasswordResetService,
    private readonly config: AppConfig,
  ) {}

  @Post('sendEmail')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ summary: 'Send the reset email (code and link) to every address of the account' })
  @ApiQuery({ name: 'locale', required: false, enum: ['en', 'de'] })
  @ApiOkResponse({ schema: msgSchema('Sent') })
  @ApiNotFoundResponse({ type: UsernameCodeErrorDto, description: '`unknown_username`' })
  @ApiTooManyRequestsResponse({ type: UsernameCodeErrorDto, description: '`too_many_requests` (with Retry-After)' })
  async sendEmail(
    @Body() body: SendEmailDto,
    @Query('locale') queryLocale: unknown,
    @Headers('accept-language') acceptLanguage: unknown,
  ) {
    const locale = resolveLocale([body.locale, queryLocale], acceptLanguage, this.config.mail.defaultLocale);
    await this.reset.requestReset({ username: body.username }, locale);
    return { msg: 'Sent' };
  }

  @Post('checkCode')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a code without using it; wrong codes count toward the 12 tries' })
  @ApiOkResponse({ type: CodeCorrectDto })
  @ApiNotFoundResponse({ type: UsernameCodeErrorDto, description: '`unknown_username`' })
  async checkCode(@Body() body: CheckCodeDto) {
    await this.reset.checkCode({ username: body.username }, body.code);
    return { msg: 'Code correct', success_code: 'code_correct' };
  }

  @Post('resetPassword')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with the code; the code is used up' })
  @ApiOkResponse({ schema: msgSchema('Changed password successful') })
  @ApiNotFoundResponse({ type: UsernameCodeErrorDto, description: '`unknown_username`' })
  async resetPassword(@Body() body: ResetPasswordDto) {
    await this.reset.resetWithCode({ username: body.username }, body.code, body.new_password);
    return { msg: 'Changed password successful' };
  }
}
