import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KNOWN_SCOPES } from '../../tokens/scopes.js';

/** The error body of the OAuth routes (RFC 6749 §5.2). */
export class OAuthErrorDto {
  @ApiProperty({
    example: 'invalid_client',
    description:
      '`invalid_request`, `invalid_client`, `invalid_grant`, `unsupported_grant_type`, `invalid_scope`; on introspection also `invalid_token` and `insufficient_scope`',
  })
  error!: string;

  @ApiProperty({ example: 'Client authentication failed' })
  error_description!: string;
}

/** `POST /oauth/token` (a URL-encoded form). */
export class TokenRequestDto {
  @ApiProperty({ enum: ['client_credentials', 'refresh_token'], example: 'client_credentials' })
  grant_type!: string;

  @ApiPropertyOptional({
    example: 'accounts:read',
    description: `client_credentials: space-separated scopes, a subset of the client's (default: all of them). Known scopes: ${KNOWN_SCOPES.join(', ')}`,
  })
  scope?: string;

  @ApiPropertyOptional({ example: 'Xq3V8d0bJr5m0Gk2y6uM1cN9pQ4wE7tZsA0hL2fKj8U', description: 'refresh_token: the refresh token of the last token answer (it is used up)' })
  refresh_token?: string;
}

/** The answer to `grant_type=client_credentials` (RFC 6749 §4.4.3): no refresh token. */
export class ServiceTokenDto {
  @ApiProperty({ example: 'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6IjNmMWMifQ…' })
  access_token!: string;

  @ApiProperty({ example: 'bearer', enum: ['bearer'] })
  token_type!: 'bearer';

  @ApiProperty({ example: 300, description: 'Seconds until the access token expires (SERVICE_TOKEN_TTL_SECONDS)' })
  expires_in!: number;

  @ApiProperty({ example: 'accounts:read accounts:write', description: 'The scopes the token carries, space-separated' })
  scope!: string;
}

/** `POST /oauth/introspect` and `POST /oauth/revoke` (URL-encoded forms). */
export class TokenParameterDto {
  @ApiProperty({ example: 'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6IjNmMWMifQ…' })
  token!: string;

  @ApiPropertyOptional({ enum: ['access_token', 'refresh_token'], description: 'A hint only; the token is recognised whatever it says' })
  token_type_hint?: string;
}

/** RFC 7662 §2.2: inactive tokens say nothing more. */
export class IntrospectionDto {
  @ApiProperty({ example: true })
  active!: boolean;

  @ApiPropertyOptional({ enum: ['user', 'service'], example: 'user', description: 'A user’s access token, or a service client’s' })
  token_use?: 'user' | 'service';

  @ApiPropertyOptional({ enum: ['Bearer'], example: 'Bearer' })
  token_type?: 'Bearer';

  @ApiPropertyOptional({ example: '0b9f7c9e-2a51-4cf2-9d53-3f3f3e1b6a10', description: 'The account id (user) or the client id (service)' })
  sub?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '7d4b0f9e-61c2-4a8e-b3f7-2c9d5e1a0b34', description: 'User tokens: the session' })
  sid?: string;

  @ApiPropertyOptional({ example: '5c3e8a52-1f0d-4b6e-9a77-0d2f4c8b1e93', description: 'Service tokens: the client' })
  client_id?: string;

  @ApiPropertyOptional({ example: 'tokens:introspect', description: 'Service tokens: the scopes, space-separated' })
  scope?: string;

  @ApiPropertyOptional({ example: 'https://reset.example.com' })
  iss?: string;

  @ApiPropertyOptional({ example: 1764590400, type: 'integer', description: 'Seconds since the epoch' })
  iat?: number;

  @ApiPropertyOptional({ example: 1764591300, type: 'integer', description: 'Seconds since the epoch' })
  exp?: number;

  @ApiPropertyOptional({ format: 'uuid', example: 'f0c1d2e3-4b5a-6978-8a9b-0c1d2e3f4a5b' })
  jti?: string;
}
