import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthService } from '../../auth/auth.service.js';
import { LoginDto } from '../../auth/dto/login.dto.js';
import { TokenDto } from '../../auth/dto/responses.dto.js';
import { StrictRateLimit } from '../../throttling/strict-rate-limit.decorator.js';
import { FastApiErrorDto, FastApiValidationErrorDto } from './dto/forgot-password.dto.js';
import { FORGOT_PASSWORD_TAG } from './forgot-password.tag.js';

/** `POST /login`, the route seed 000 clients log in through after a reset. Errors in FastAPI's shape. */
@ApiTags(FORGOT_PASSWORD_TAG)
@Controller()
export class LoginController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ summary: 'Log in (JSON or OAuth2 password form) with the new password' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: LoginDto, examples: { seed: { value: { email: 'astro.user@example.com', password: 'StrongPassword123!' } } } })
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ type: FastApiErrorDto, example: { detail: 'Incorrect email or password' } })
  @ApiUnprocessableEntityResponse({ type: FastApiValidationErrorDto })
  @ApiTooManyRequestsResponse({ type: FastApiErrorDto, example: { detail: 'Too many failed attempts, try again later' } })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    return this.auth.login((body.email ?? body.username)!, body.password, request.ip, request.headers['user-agent']);
  }
}
