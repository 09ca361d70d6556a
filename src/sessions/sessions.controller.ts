import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard.js';
import type { AuthenticatedUser } from '../auth/access-token.guard.js';
import { TokenDto } from '../auth/dto/responses.dto.js';
import { ApiErrorResponses, ErrorDto } from '../common/swagger.js';
import { RefreshDto, SessionDto } from './dto/sessions.dto.js';
import { SessionsService } from './sessions.service.js';

const BEARER_401 = { type: ErrorDto, description: '`unauthorized`: no valid access token of a live session' };

@ApiTags('sessions')
@Controller('auth')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Exchange a refresh token for a new token pair',
    description:
      'The presented refresh token is used up. Presenting a used one again revokes the whole session ' +
      '(`refresh_token_reused`), so a client must not send two refreshes with one token.',
  })
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({
    type: ErrorDto,
    description: '`refresh_token_invalid` (unknown, expired or revoked), `refresh_token_reused` (already used: the session is revoked)',
  })
  @ApiErrorResponses(400)
  refresh(@Body() body: RefreshDto) {
    return this.sessions.refresh(body.refresh_token);
  }

  @Get('sessions')
  @UseGuards(AccessTokenGuard)
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiOperation({ summary: "The account's live sessions, newest first" })
  @ApiOkResponse({ type: [SessionDto] })
  @ApiUnauthorizedResponse(BEARER_401)
  list(@CurrentUser() user: AuthenticatedUser) {
    return this.sessions.list(user.id, user.sessionId);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke one of the account’s sessions (its refresh token and access tokens stop working)' })
  @ApiParam({ name: 'id', format: 'uuid', example: '7d4b0f9e-61c2-4a8e-b3f7-2c9d5e1a0b34' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ type: ErrorDto, description: '`session_not_found`: the account has no such live session' })
  @ApiUnauthorizedResponse(BEARER_401)
  async revoke(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.sessions.revoke(user.id, id);
  }

  @Post('logout')
  @HttpCode(204)
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End the session of the access token' })
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiUnauthorizedResponse(BEARER_401)
  async logout(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.sessions.revoke(user.id, user.sessionId);
  }

  @Post('logout-all')
  @HttpCode(204)
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End every session of the account' })
  @ApiNoContentResponse({ description: 'Every session ended' })
  @ApiUnauthorizedResponse(BEARER_401)
  async logoutAll(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.sessions.revokeAll(user.id);
  }
}
