import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccessTokenGuard, CurrentUser } from './access-token.guard.js';
import type { AuthenticatedUser } from './access-token.guard.js';
import { TokenDto } from './dto/responses.dto.js';
import { ApiErrors, BODY_ERRORS, DEFAULT_ERROR_SHAPE, fieldError, SERVICE_ERRORS } from '../common/swagger.js';
import { UNAUTHORIZED } from '../common/error-catalogue.js';
import { TOKENS_TAG } from '../tokens/tokens.tag.js';
import { RefreshDto, SessionDto } from './dto/sessions.dto.js';
import { SessionsService } from '../sessions/sessions.service.js';

const ApiBearerErrors = (...more: typeof BODY_ERRORS) =>
  ApiErrors(DEFAULT_ERROR_SHAPE, [UNAUTHORIZED, ...more, ...SERVICE_ERRORS], {
    401: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' }, required: true } },
  });

@ApiTags(TOKENS_TAG)
@Controller('auth')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'sessionsRefresh',
    summary: 'Exchange a refresh token for a new token pair',
    description:
      'The presented refresh token is used up. Presenting a used one again revokes the whole session ' +
      '(`refresh_token_reused`), so a client must not send two refreshes with one token.',
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiErrors(DEFAULT_ERROR_SHAPE, [
    fieldError('refresh_token', 'refresh_token is required', 'isDefined'),
    { status: 401, code: 'refresh_token_invalid', message: 'The refresh token is invalid, expired or revoked' },
    { status: 401, code: 'refresh_token_reused', message: 'The refresh token was already used; the session has been revoked' },
    ...BODY_ERRORS,
    ...SERVICE_ERRORS,
  ])
  refresh(@Body() body: RefreshDto) {
    return this.sessions.refresh(body.refresh_token);
  }

  @Get('sessions')
  @UseGuards(AccessTokenGuard)
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'sessionsList', summary: "The account's live sessions, newest first", description: 'Each with when it started and was last used, its user agent and client IP; `current` marks the session of the access token.' })
  @ApiOkResponse({ type: [SessionDto] })
  @ApiBearerErrors()
  list(@CurrentUser() user: AuthenticatedUser) {
    return this.sessions.list(user.id, user.sessionId);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'sessionsRevoke', summary: 'Revoke one of the account’s sessions (its refresh token and access tokens stop working)', description: 'Other services may accept the session’s access tokens until they expire (JWT_TTL_SECONDS).' })
  @ApiParam({ name: 'id', format: 'uuid', example: '7d4b0f9e-61c2-4a8e-b3f7-2c9d5e1a0b34' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(DEFAULT_ERROR_SHAPE, [
    UNAUTHORIZED,
    { status: 404, code: 'session_not_found', message: 'No such active session' },
    // No body is read, but one that is sent is parsed (and refused when it is not JSON).
    ...BODY_ERRORS,
    ...SERVICE_ERRORS,
  ], {
    401: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' }, required: true } },
  })
  async revoke(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.sessions.revoke(user.id, id);
  }

  @Post('logout')
  @HttpCode(204)
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'sessionsLogout', summary: 'End the session of the access token', description: 'Its refresh token stops working, and this service refuses its access tokens at once.' })
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiBearerErrors(...BODY_ERRORS)
  async logout(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.sessions.revoke(user.id, user.sessionId);
  }

  @Post('logout-all')
  @HttpCode(204)
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'sessionsLogoutAll', summary: 'End every session of the account', description: 'Every refresh token of the account stops working, this one’s included.' })
  @ApiNoContentResponse({ description: 'Every session ended' })
  @ApiBearerErrors(...BODY_ERRORS)
  async logoutAll(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.sessions.revokeAll(user.id);
  }
}
