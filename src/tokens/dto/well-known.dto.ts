import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PublicJwkDto {
  @ApiProperty({ example: 'OKP', enum: ['OKP', 'EC', 'RSA'] })
  kty!: string;

  @ApiProperty({ example: '3f1c2a9e-8d7b-4c55-9a0e-1b2c3d4e5f60' })
  kid!: string;

  @ApiProperty({ example: 'EdDSA', enum: ['EdDSA', 'ES256', 'RS256'] })
  alg!: string;

  @ApiProperty({ example: 'sig', enum: ['sig'] })
  use!: 'sig';

  @ApiPropertyOptional({ example: 'Ed25519', description: 'OKP and EC keys' })
  crv?: string;

  @ApiPropertyOptional({ example: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', description: 'OKP and EC keys' })
  x?: string;

  @ApiPropertyOptional({ description: 'EC keys' })
  y?: string;

  @ApiPropertyOptional({ description: 'RSA keys: the modulus' })
  n?: string;

  @ApiPropertyOptional({ example: 'AQAB', description: 'RSA keys: the exponent' })
  e?: string;
}

export class JwksDto {
  @ApiProperty({ type: [PublicJwkDto], description: 'The public keys; the first one signs new tokens' })
  keys!: PublicJwkDto[];
}

export class OpenIdConfigurationDto {
  @ApiProperty({ example: 'https://reset.example.com' })
  issuer!: string;

  @ApiPropertyOptional({ example: 'https://reset.example.com/.well-known/jwks.json', description: 'Absent with HS256' })
  jwks_uri?: string;

  @ApiProperty({ example: 'https://reset.example.com/oauth/token' })
  token_endpoint!: string;

  @ApiProperty({ example: 'https://reset.example.com/oauth/introspect' })
  introspection_endpoint!: string;

  @ApiProperty({ example: 'https://reset.example.com/oauth/revoke' })
  revocation_endpoint!: string;

  @ApiProperty({ type: [String], example: ['client_credentials', 'refresh_token'], description: 'The grants of the token endpoint (POST /oauth/token). Users log in with a password at POST /auth/login, which is not an OAuth token endpoint.' })
  grant_types_supported!: string[];

  @ApiProperty({ type: [String], example: ['client_secret_basic'] })
  token_endpoint_auth_methods_supported!: string[];

  @ApiProperty({ type: [String], example: ['tokens:introspect', 'accounts:read', 'accounts:write'] })
  scopes_supported!: string[];

  @ApiProperty({ type: [String], example: ['EdDSA'], description: 'The algorithm of the tokens this issuer signs (access tokens only)' })
  id_token_signing_alg_values_supported!: string[];

  @ApiProperty({ type: [String], example: ['public'] })
  subject_types_supported!: string[];
}
