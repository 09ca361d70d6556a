import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { LOCALE_DESCRIPTION } from '../../common/fields.js';
import { PresentErrors } from '../../common/error-presenters.js';
import { RequestLocale } from '../../common/request-locale.decorator.js';
import { ApiErrors, BODY_ERRORS, fieldError, SERVICE_ERRORS } from '../../common/swagger.js';
import { TOO_MANY_RESET_REQUESTS } from '../../common/error-catalogue.js';
import { PasswordResetService } from '../../reset/password-reset.service.js';
import { ResetFailuresInterceptor } from '../../reset/reset-failures.js';
import { StrictRateLimit } from '../../throttling/strict-rate-limit.decorator.js';
import {
  CheckCodeDto,
  CodeCorrectDto,
  ResetPasswordDto,
  SendEmailDto,
  USERNAME_CODE_ERRORS,
  UsernameCodeMessageDto,
} from './dto/username-code.dto.js';
import { UsernameCodeErrorPresenter } from './username-code.presenter.js';
import { USERNAME_CODE_TAG } from './username-code.tag.js';

const UNKNOWN = { status: 404, code: 'unknown_account', message: 'Unknown username' };
const CODE_ERRORS = [
  fieldError('code', 'code must be 6 digits', 'matches'),
  { status: 400, code: 'code_incorrect', message: 'The code is incorrect' },
  { status: 400, code: 'code_expired', message: 'The code has expired' },
  { status: 400, code: 'rate_limit_exceeded', message: 'Rate limit exceeded' },
  { status: 400, code: 'no_reset_requested', message: 'There was no code for a password reset requested' },
  UNKNOWN,
  ...BODY_ERRORS,
  ...SERVICE_ERRORS,
];

/** The username-code contract: `/api/auth/forgotPassword/{sendEmail,checkCode,resetPassword}`. */
@ApiTags(USERNAME_CODE_TAG)
@PresentErrors(UsernameCodeErrorPresenter)
@Controller('api/auth/forgotPassword')
export class UsernameCodeController {
  constructor(
    private readonly reset: PasswordResetService,
  ) {}

  @Post('sendEmail')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ operationId: 'usernameCodeSendEmail', summary: 'Send the reset email (code and link) to every address of the account', description: 'Issues a 6-digit code and a link token (superseding any earlier request) and emails both to every address of the account, in the requested language.' })
  @ApiQuery({ name: 'locale', required: false, schema: { type: 'string' }, description: LOCALE_DESCRIPTION })
  @ApiOkResponse({ type: UsernameCodeMessageDto, example: { msg: 'Sent' } })
  @ApiErrors(USERNAME_CODE_ERRORS, [
    fieldError('username', 'username is required', 'isDefined'),
    { status: 400, code: 'no_email_addresses', message: 'There are no email addresses for this account' },
    UNKNOWN,
    ...BODY_ERRORS,
    TOO_MANY_RESET_REQUESTS,
    ...SERVICE_ERRORS,
  ])
  async sendEmail(
    @Body() body: SendEmailDto,
    @RequestLocale({ body: 'locale', query: 'locale', acceptLanguage: true }) locale: string,
  ) {
    await this.reset.requestReset({ username: body.username }, locale);
    return { msg: 'Sent' };
  }

  @Post('checkCode')
  @HttpCode(200)
  @ApiOperation({ operationId: 'usernameCodeCheckCode', summary: 'Check a code without using it; wrong codes count toward the RESET_MAX_ATTEMPTS tries', description: 'Answers whether the code is right without using it up; after RESET_MAX_ATTEMPTS wrong codes the request is spent (`rate_limit_exceeded`) and a new email must be requested.' })
  @ApiOkResponse({ type: CodeCorrectDto, example: { msg: 'Code correct', success_code: 'code_correct' } })
  @ApiErrors(USERNAME_CODE_ERRORS, CODE_ERRORS)
  async checkCode(@Body() body: CheckCodeDto) {
    await this.reset.checkCode({ username: body.username }, body.code);
    return { msg: 'Code correct', success_code: 'code_correct' };
  }

  @Post('resetPassword')
  @UseInterceptors(ResetFailuresInterceptor)
  @HttpCode(200)
  @ApiOperation({ operationId: 'usernameCodeResetPassword', summary: 'Set a new password with the code; the code is used up', description: 'Checks the code like checkCode, applies the password policy, sets the password, revokes every access token and mails a "password changed" notice.' })
  @ApiOkResponse({ type: UsernameCodeMessageDto, example: { msg: 'Changed password successful' } })
  @ApiErrors(USERNAME_CODE_ERRORS, [
    { status: 400, code: 'password_policy', message: 'The password does not meet the requirements', violations: ['uppercase', 'special'] },
    ...CODE_ERRORS,
  ])
  async resetPassword(@Body() body: ResetPasswordDto) {
    await this.reset.resetWithCode({ username: body.username }, body.code, body.new_password);
    return { msg: 'Changed password successful' };
  }
}
