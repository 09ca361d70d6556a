import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrorResponses, ErrorDto } from '../common/swagger.js';
import { StrictRateLimit } from '../throttling/strict-rate-limit.decorator.js';
import { AuthService } from './auth.service.js';
import { LoginDto } from './dto/login.dto.js';
import { TokenDto } from './dto/responses.dto.js';

/** `POST /login`, the route FastAPI-style clients (seed 000) log in through. */
@ApiTags('accounts')
@Controller()
export class LoginController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ summary: 'Log in (JSON or OAuth2 password form)' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  @ApiErrorResponses(400, 429)
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    return this.auth.login((body.email ?? body.username)!, body.password, request.ip);
  }
}
