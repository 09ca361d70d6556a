import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AcceptsForms } from '../common/content-type.hook.js';
import { ApiErrors, BODY_ERRORS, DEFAULT_ERROR_SHAPE, fieldError, SERVICE_ERRORS } from '../common/swagger.js';
import { TOO_MANY_ATTEMPTS, UNAUTHORIZED } from '../common/error-catalogue.js';
import { StrictRateLimit } from '../throttling/strict-rate-limit.decorator.js';
import { AccessTokenGuard, CurrentUser } from './access-token.guard.js';
import type { AuthenticatedUser } from './access-token.guard.js';
import { ACCOUNTS_TAG } from './accounts.tag.js';
import { AuthService } from './auth.service.js';
import { TokenResponse } from './token-response.js';
import { LoginDto, OAuth2PasswordFormDto } from './dto/login.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import { AccountDto, TokenDto } from './dto/responses.dto.js';


@ApiTags(ACCOUNTS_TAG)
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @ApiOperation({ operationId: 'accountsRegister', summary: 'Create an account', description: 'Creates an account with a username, an optional email address and a password that meets the password policy; 409 when the username or email is taken, 403 when REGISTRATION_ENABLED is false.' })
  @ApiCreatedResponse({ type: AccountDto })
  @ApiErrors(DEFAULT_ERROR_SHAPE, [
    fieldError('username', 'username is required', 'isDefined'),
    { status: 400, code: 'password_policy', message: 'The password does not meet the requirements', violations: ['uppercase', 'digit', 'special', 'common'] },
    { status: 403, code: 'registration_disabled', message: 'Registration is turned off; accounts are created by an administrator' },
    { status: 409, code: 'account_exists', message: 'An account with this username or email already exists' },
    ...BODY_ERRORS,
    ...SERVICE_ERRORS,
  ])
  register(@Body() body: RegisterDto) {
    return this.auth.register(body);
  }

  @Post('login')
  @HttpCode(200)
  @TokenResponse()
  @StrictRateLimit()
  @ApiOperation({ operationId: 'accountsLogin', summary: 'Log in with username or email and password (JSON, or the OAuth2 password form)', description: 'Answers a short-lived Bearer access token. A wrong password and an unknown account get the same 401; failed logins are throttled per account and per client IP (429 with Retry-After).' })
  @AcceptsForms()
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiExtraModels(OAuth2PasswordFormDto)
  @ApiBody({
    type: LoginDto,
    examples: {
      email: { summary: 'By email', value: { email: 'astro.user@example.com', password: 'StrongPassword123!' } },
      username: { summary: 'By username', value: { username: 'st.huber', password: 'StrongPassword123!' } },
    },
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiErrors(DEFAULT_ERROR_SHAPE, [
    fieldError('email', 'email or username is required', 'isDefined'),
    { status: 401, code: 'invalid_credentials', message: 'Incorrect username, email or password' },
    ...BODY_ERRORS,
    TOO_MANY_ATTEMPTS,
    ...SERVICE_ERRORS,
  ])
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    return this.auth.login((body.email ?? body.username)!, body.password, request.ip, request.headers['user-agent']);
  }

  @Get('me')
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'accountsMe', summary: 'The account of the access token', description: 'Needs `Authorization: Bearer <access token>`; a token issued before the last password change or reset is refused.' })
  @ApiOkResponse({ type: AccountDto })
  @ApiErrors(DEFAULT_ERROR_SHAPE, [UNAUTHORIZED, ...SERVICE_ERRORS], {
    401: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' }, required: true } },
  })
  me(@CurrentUser() user: AuthenticatedUser) {
    return this.auth.account(user.id);
  }
}
