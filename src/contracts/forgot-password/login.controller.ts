import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthService } from '../../auth/auth.service.js';
import { AcceptsForms } from '../../common/content-type.hook.js';
import { TokenResponse } from '../../auth/token-response.js';
import { LoginDto, OAuth2PasswordFormDto } from '../../auth/dto/login.dto.js';
import { TokenDto } from '../../auth/dto/responses.dto.js';
import { PresentErrors } from '../../common/error-presenters.js';
import { ApiErrors, BODY_ERRORS, fieldError, SERVICE_ERRORS } from '../../common/swagger.js';
import { TOO_MANY_ATTEMPTS } from '../../common/error-catalogue.js';
import { StrictRateLimit } from '../../throttling/strict-rate-limit.decorator.js';
import { FASTAPI_ERRORS } from './dto/forgot-password.dto.js';
import { FastApiErrorPresenter } from './forgot-password.presenter.js';
import { FORGOT_PASSWORD_TAG } from './forgot-password.tag.js';

/** `POST /login`, the route forgot-password clients log in through after a reset. Errors in FastAPI's shape. */
@ApiTags(FORGOT_PASSWORD_TAG)
@PresentErrors(FastApiErrorPresenter)
@Controller()
export class LoginController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @TokenResponse()
  @StrictRateLimit()
  @ApiOperation({ operationId: 'forgotPasswordLogin', summary: 'Log in (JSON or OAuth2 password form) with the new password', description: 'The FastAPI-style token route: JSON `{email | username, password}` or the OAuth2 password form. A 401 carries `WWW-Authenticate: Bearer`.' })
  @AcceptsForms()
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiExtraModels(OAuth2PasswordFormDto)
  @ApiBody({ type: LoginDto, examples: { email: { summary: 'By email', value: { email: 'astro.user@example.com', password: 'StrongPassword123!' } } } })
  @ApiOkResponse({ type: TokenDto })
  @ApiErrors(FASTAPI_ERRORS, [
    { status: 401, code: 'invalid_credentials', message: 'Incorrect email or password' },
    fieldError('password', 'password is required', 'isDefined'),
    ...BODY_ERRORS,
    TOO_MANY_ATTEMPTS,
    ...SERVICE_ERRORS,
  ], {
    401: { 'WWW-Authenticate': { description: 'Always `Bearer`, as OAuth2PasswordBearer sends it', schema: { type: 'string', enum: ['Bearer'] }, required: true } },
  })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    return this.auth.login((body.email ?? body.username)!, body.password, request.ip, request.headers['user-agent']);
  }
}
