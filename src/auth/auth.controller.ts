import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrorResponses, ErrorDto } from '../common/swagger.js';
import { StrictRateLimit } from '../throttling/strict-rate-limit.decorator.js';
import { AccessTokenGuard, CurrentUser } from './access-token.guard.js';
import type { AuthenticatedUser } from './access-token.guard.js';
import { AuthService } from './auth.service.js';
import { LoginDto } from './dto/login.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import { AccountDto, TokenDto } from './dto/responses.dto.js';

@ApiTags('accounts')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: AccountDto })
  @ApiConflictResponse({ type: ErrorDto, description: '`account_exists`' })
  @ApiErrorResponses(400)
  register(@Body() body: RegisterDto) {
    return this.auth.register(body);
  }

  @Post('login')
  @HttpCode(200)
  @StrictRateLimit()
  @ApiOperation({ summary: 'Log in with username or email and password' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: '`invalid_credentials`' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: '`too_many_attempts`' })
  @ApiErrorResponses(400)
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    return this.auth.login((body.email ?? body.username)!, body.password, request.ip, request.headers['user-agent']);
  }

  @Get('me')
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The account of the access token' })
  @ApiOkResponse({ type: AccountDto })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: '`unauthorized`' })
  me(@CurrentUser() user: AuthenticatedUser) {
    return this.auth.account(user.id);
  }
}
