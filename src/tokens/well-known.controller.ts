import { Controller, Get, Header } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorDto } from '../common/swagger.js';
import { JwksDto, OpenIdConfigurationDto } from './dto/well-known.dto.js';
import { TokenMetadata } from './token-metadata.js';

/** Discovery for services in the mesh: the public keys and what this issuer offers. */
@ApiTags('tokens')
@Controller('.well-known')
export class WellKnownController {
  constructor(private readonly metadata: TokenMetadata) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'The public keys that verify access tokens (JWK Set)' })
  @ApiOkResponse({ type: JwksDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'JWT_ALG is HS256: there are no public keys' })
  jwks(): JwksDto {
    const jwks = this.metadata.jwks();
    if (!jwks) throw new ApiError(404, 'not_found', 'No public keys: tokens are signed with a shared secret (JWT_ALG=HS256)');
    return jwks;
  }

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Issuer metadata: issuer, jwks_uri, token endpoint, algorithms, grant types' })
  @ApiOkResponse({ type: OpenIdConfigurationDto })
  configuration(): OpenIdConfigurationDto {
    return this.metadata.configuration();
  }
}
