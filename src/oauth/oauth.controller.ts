import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiOAuth2, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { TokenDto } from '../auth/dto/responses.dto.js';
import { TokenResponse } from '../auth/token-response.js';
import { AcceptsForms } from '../common/content-type.hook.js';
import { PresentErrors } from '../common/error-presenters.js';
import { ApiErrors, BODY_ERRORS, ErrorCase, SERVICE_ERRORS } from '../common/swagger.js';
import { ClientAuthentication } from './client-authentication.js';
import { IntrospectionDto, ServiceTokenDto, TokenParameterDto, TokenRequestDto } from './dto/oauth.dto.js';
import { invalidRequest, OAUTH_ERROR_SHAPE, OAuthErrorPresenter } from './oauth.presenter.js';
import { CLIENT_BASIC_SCHEME, SERVICE_TOKEN_SCHEME } from './oauth.openapi.js';
import { FormParameters, OAuthService } from './oauth.service.js';
import { OAUTH_TAG } from './oauth.tag.js';
import { AcceptsClientCredentials, RequireScopes } from './service-token.guard.js';

const FORM = 'application/x-www-form-urlencoded';
const INVALID_CLIENT: ErrorCase = { status: 401, code: 'invalid_client', message: 'Client authentication failed' };
const INVALID_REQUEST: ErrorCase = { status: 400, code: 'invalid_request', message: 'token is required' };
const BASIC_CHALLENGE = { description: '`Basic realm="oauth", charset="UTF-8"` (invalid_client), `Bearer error="…"` (invalid_token)', schema: { type: 'string' }, required: true };

/** Forms only: a JSON body is an invalid request here (RFC 6749 §3.2). */
function formParameters(request: FastifyRequest, body: unknown): FormParameters {
  const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (request.body !== undefined && type !== FORM) throw invalidRequest(`Send the parameters as ${FORM}`);
  return new FormParameters(body);
}

@ApiTags(OAUTH_TAG)
@PresentErrors(OAuthErrorPresenter)
@Controller('oauth')
@AcceptsForms()
export class OAuthController {
  constructor(
    private readonly oauth: OAuthService,
    private readonly clientAuthentication: ClientAuthentication,
  ) {}

  @Post('token')
  @HttpCode(200)
  @TokenResponse()
  @ApiOperation({
    operationId: 'oauthToken',
    summary: 'Get an access token: client credentials (a service token) or a user refresh token (a new pair)',
    description:
      '`grant_type=client_credentials` needs the client’s HTTP Basic credentials and answers a service token for SERVICE_TOKEN_TTL_SECONDS, narrowed to `scope` when given. ' +
      '`grant_type=refresh_token` follows the rules of `POST /auth/refresh`: the refresh token is used up, and a used one presented again revokes its session (`invalid_grant`).',
  })
  @ApiBasicAuth(CLIENT_BASIC_SCHEME)
  @ApiSecurity({})
  @ApiConsumes(FORM)
  @ApiBody({
    type: TokenRequestDto,
    examples: {
      client_credentials: { summary: 'A service token', value: { grant_type: 'client_credentials', scope: 'accounts:read' } },
      refresh_token: { summary: 'A user’s refresh token', value: { grant_type: 'refresh_token', refresh_token: 'Xq3V8d0bJr5m0Gk2y6uM1cN9pQ4wE7tZsA0hL2fKj8U' } },
    },
  })
  @ApiExtraModels(ServiceTokenDto, TokenDto)
  @ApiOkResponse({
    description: 'A service token (client_credentials) or a new token pair (refresh_token)',
    schema: { oneOf: [{ $ref: getSchemaPath(ServiceTokenDto) }, { $ref: getSchemaPath(TokenDto) }] },
  })
  @ApiErrors(
    OAUTH_ERROR_SHAPE,
    [
      { status: 400, code: 'invalid_request', message: 'grant_type is required' },
      { status: 400, code: 'unsupported_grant_type', message: 'grant_type must be client_credentials or refresh_token' },
      { status: 400, code: 'invalid_scope', message: 'The client may not ask for accounts:write' },
      { status: 400, code: 'invalid_grant', message: 'The refresh token was already used; the session has been revoked' },
      INVALID_CLIENT,
      ...BODY_ERRORS,
      ...SERVICE_ERRORS,
    ],
    { 401: { 'WWW-Authenticate': { ...BASIC_CHALLENGE, description: '`Basic realm="oauth", charset="UTF-8"`' } } },
  )
  async token(@Body() body: unknown, @Req() request: FastifyRequest) {
    const params = formParameters(request, body);
    return this.oauth.token(params, await this.clientAuthentication.optional(request));
  }

  @Post('introspect')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @RequireScopes('tokens:introspect')
  @AcceptsClientCredentials()
  @ApiOperation({
    operationId: 'oauthIntrospect',
    summary: 'Whether an access token is valid on this service right now (RFC 7662)',
    description:
      'For services with the scope `tokens:introspect`, authenticated by HTTP Basic or a service token. `{"active": false}` for an expired token, a revoked session or client, a token issued before a password change, a bad signature or garbage; ' +
      'otherwise `active: true` with its claims (`sid` for a user’s token, `client_id` and `scope` for a service’s).',
  })
  @ApiBasicAuth(CLIENT_BASIC_SCHEME)
  @ApiOAuth2(['tokens:introspect'], SERVICE_TOKEN_SCHEME)
  @ApiConsumes(FORM)
  @ApiBody({ type: TokenParameterDto })
  @ApiOkResponse({ type: IntrospectionDto })
  @ApiErrors(
    OAUTH_ERROR_SHAPE,
    [
      INVALID_REQUEST,
      INVALID_CLIENT,
      { status: 401, code: 'invalid_token', message: 'A valid service access token is required' },
      { status: 403, code: 'insufficient_scope', message: 'This route needs the scope tokens:introspect' },
      ...BODY_ERRORS,
      ...SERVICE_ERRORS,
    ],
    {
      401: { 'WWW-Authenticate': BASIC_CHALLENGE },
      403: { 'WWW-Authenticate': { description: '`Bearer error="insufficient_scope", scope="tokens:introspect"`', schema: { type: 'string' }, required: true } },
    },
  )
  introspect(@Body() body: unknown, @Req() request: FastifyRequest): Promise<IntrospectionDto> {
    return this.oauth.introspect(formParameters(request, body).required('token'));
  }

  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'oauthRevoke',
    summary: 'Revoke a refresh token and its session (RFC 7009)',
    description: 'The session of the refresh token ends (its access tokens are refused here at once). 200 also for a token that is unknown, already revoked or not a refresh token. Client authentication is optional; wrong credentials are refused.',
  })
  @ApiBasicAuth(CLIENT_BASIC_SCHEME)
  @ApiSecurity({})
  @ApiConsumes(FORM)
  @ApiBody({ type: TokenParameterDto })
  @ApiOkResponse({ description: 'Revoked, or nothing to revoke' })
  @ApiErrors(OAUTH_ERROR_SHAPE, [INVALID_REQUEST, INVALID_CLIENT, ...BODY_ERRORS, ...SERVICE_ERRORS], {
    401: { 'WWW-Authenticate': { ...BASIC_CHALLENGE, description: '`Basic realm="oauth", charset="UTF-8"`' } },
  })
  async revoke(@Body() body: unknown, @Req() request: FastifyRequest): Promise<void> {
    await this.clientAuthentication.optional(request);
    await this.oauth.revoke(formParameters(request, body).required('token'));
  }
}
