import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard.js';
import type { AuthenticatedUser } from '../auth/access-token.guard.js';
import { ACCOUNTS_TAG } from '../auth/accounts.tag.js';
import { UNAUTHORIZED } from '../common/error-catalogue.js';
import { ApiErrors, BODY_ERRORS, DEFAULT_ERROR_SHAPE, fieldError, SERVICE_ERRORS, type ErrorCase } from '../common/swagger.js';
import { StrictRateLimit } from '../throttling/strict-rate-limit.decorator.js';
import { AddEmailDto, EmailDto, ResendVerificationDto, VerifiedEmailDto, VerifyEmailDto } from './dto/emails.dto.js';
import { EMAIL_ERRORS, EmailsService } from './emails.service.js';
import { EmailVerifications, VERIFICATION_ERRORS } from './email-verifications.js';

const BEARER_CHALLENGE = { 401: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' }, required: true } } };
const ApiBearerErrors = (...more: ErrorCase[]) => ApiErrors(DEFAULT_ERROR_SHAPE, [UNAUTHORIZED, ...more, ...BODY_ERRORS, ...SERVICE_ERRORS], BEARER_CHALLENGE);
const EMAIL_PARAM = { name: 'email', example: 'ada.work@example.com', description: 'One of the account’s addresses (URL-encoded)' };

@ApiTags(ACCOUNTS_TAG)
@Controller('auth')
export class EmailsController {
  constructor(
    private readonly emails: EmailsService,
    private readonly verifications: EmailVerifications,
  ) {}

  @Get('me/emails')
  @UseGuards(AccessTokenGuard)
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'emailsList', summary: 'The account’s email addresses', description: 'The primary address first, each with whether and when it was verified.' })
  @ApiOkResponse({ type: [EmailDto] })
  @ApiBearerErrors()
  list(@CurrentUser() user: AuthenticatedUser) {
    return this.emails.list(user.id);
  }

  @Post('me/emails')
  @UseGuards(AccessTokenGuard)
  @StrictRateLimit()
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'emailsAdd',
    summary: 'Add an email address (sends it a verification email)',
    description:
      'The address is added unverified and gets an email with a 6-digit code and a link (POST /auth/emails/verify, or the /verify-email page). ' +
      'The account’s first address becomes its primary one. An address of another account answers 409 `email_taken`, which tells no more than `account_exists` of POST /auth/register.',
  })
  @ApiBody({ type: AddEmailDto, examples: { add: { summary: 'Add an address', value: { email: 'ada.work@example.com', locale: 'en' } } } })
  @ApiCreatedResponse({ type: EmailDto })
  @ApiBearerErrors(fieldError('email', 'email must be an email', 'isEmail'), EMAIL_ERRORS.alreadyAdded, EMAIL_ERRORS.taken)
  async add(@CurrentUser() user: AuthenticatedUser, @Body() body: AddEmailDto) {
    return this.emails.add(user.id, body.email, body.locale);
  }

  @Delete('me/emails/:email')
  @HttpCode(204)
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'emailsRemove',
    summary: 'Remove an email address',
    description:
      'The primary address can be removed only when it is the last one: make another primary first (409 `primary_email`). ' +
      'With RESET_REQUIRE_VERIFIED_EMAIL the last verified address cannot be removed (409 `last_verified_email`).',
  })
  @ApiParam(EMAIL_PARAM)
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiBearerErrors(EMAIL_ERRORS.notFound, EMAIL_ERRORS.primary, EMAIL_ERRORS.lastVerified)
  async remove(@CurrentUser() user: AuthenticatedUser, @Param('email') email: string): Promise<void> {
    await this.emails.remove(user.id, email);
  }

  @Post('me/emails/:email/primary')
  @HttpCode(200)
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'emailsMakePrimary', summary: 'Make an address the primary one', description: 'Answers the account’s addresses, the new primary first.' })
  @ApiParam(EMAIL_PARAM)
  @ApiOkResponse({ type: [EmailDto] })
  @ApiBearerErrors(EMAIL_ERRORS.notFound)
  makePrimary(@CurrentUser() user: AuthenticatedUser, @Param('email') email: string) {
    return this.emails.makePrimary(user.id, email);
  }

  @Post('me/emails/:email/verification')
  @HttpCode(202)
  @UseGuards(AccessTokenGuard)
  @StrictRateLimit()
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'emailsResendVerification',
    summary: 'Send an unverified address a new verification email',
    description: 'A new code and link; those sent before stop working. A verified address answers 409 `email_already_verified`.',
  })
  @ApiParam(EMAIL_PARAM)
  @ApiBody({ type: ResendVerificationDto, required: false, examples: { resend: { summary: 'In German', value: { locale: 'de' } } } })
  @ApiAcceptedResponse({ description: 'The verification email is queued' })
  @ApiBearerErrors(EMAIL_ERRORS.notFound, EMAIL_ERRORS.alreadyVerified)
  async resendVerification(@CurrentUser() user: AuthenticatedUser, @Param('email') email: string, @Body() body?: ResendVerificationDto): Promise<void> {
    await this.emails.resendVerification(user.id, email, body?.locale);
  }

  @Post('emails/verify')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({
    operationId: 'emailsVerify',
    summary: 'Verify an address with the link token or its code',
    description:
      'Single use; expires after EMAIL_VERIFICATION_TTL_SECONDS; a code has RESET_MAX_ATTEMPTS tries, counted before it is compared. ' +
      'An unknown address, a wrong or used code and an unknown token all answer `verification_failed`.',
  })
  @ApiBody({
    type: VerifyEmailDto,
    examples: {
      token: { summary: 'With the link token', value: { token: 'hihtzhEQZOJhKHVzc-tjm8phvj4UAgNTk6hKlZFVIzPbGPRLqUhUWQvQbMSvTjt4' } },
      code: { summary: 'With the address and its code', value: { email: 'ada.work@example.com', code: '029925' } },
    },
  })
  @ApiOkResponse({ type: VerifiedEmailDto })
  @ApiErrors(DEFAULT_ERROR_SHAPE, [
    fieldError('token', 'token or email is required', 'isDefined'),
    VERIFICATION_ERRORS.failed,
    VERIFICATION_ERRORS.expired,
    VERIFICATION_ERRORS.attempts,
    ...BODY_ERRORS,
    ...SERVICE_ERRORS,
  ])
  verify(@Body() body: VerifyEmailDto) {
    return body.token !== undefined ? this.verifications.verifyToken(body.token) : this.verifications.verifyCode(body.email!, body.code!);
  }
}
