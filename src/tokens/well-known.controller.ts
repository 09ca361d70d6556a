import { Controller, Get, Header } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, DEFAULT_ERROR_SHAPE, SERVICE_ERRORS } from '../common/swagger.js';
import { TOKENS_TAG } from './tokens.tag.js';
import { JwksDto, OpenIdConfigurationDto } from './dto/well-known.dto.js';
import { TokenMetadata } from './token-metadata.js';

/** Discovery for services in the mesh: the public keys and what this issuer offers. */
@ApiTags(TOKENS_TAG)
@Controller('.well-known')
export class WellKnownController {
  constructor(private readonly metadata: TokenMetadata) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ operationId: 'tokensJwks', summary: 'The public keys that verify access tokens (JWK Set)', description: 'Public parts only; 404 when JWT_ALG is HS256 (a shared secret, no public keys).' })
  @ApiOkResponse({ type: JwksDto })
  @ApiErrors(DEFAULT_ERROR_SHAPE, [
    { status: 404, code: 'not_found', message: 'No public keys: tokens are signed with a shared secret (JWT_ALG=HS256)' },
    ...SERVICE_ERRORS,
  ])
  jwks(): JwksDto {
    const jwks = this.metadata.jwks();
    if (!jwks) throw new ApiError(404, 'not_found', 'No public keys: tokens are signed with a shared secret (JWT_ALG=HS256)');
    return jwks;
  }

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ operationId: 'tokensOpenIdConfiguration', summary: 'Issuer metadata: issuer, jwks_uri, token endpoint, algorithms, grant types', description: 'OpenID Connect discovery metadata, so libraries find the JWKS from the issuer.' })
  @ApiOkResponse({ type: OpenIdConfigurationDto })
  @ApiErrors(DEFAULT_ERROR_SHAPE, SERVICE_ERRORS)
  configuration(): OpenIdConfigurationDto {
    return this.metadata.configuration();
  }
}
