import { Module } from '@nestjs/common';
import { AccessTokens } from './access-tokens.js';
import { SigningKeys } from './signing-keys.js';
import { TokenMetadata } from './token-metadata.js';
import { WellKnownController } from './well-known.controller.js';

/** Signing keys, access tokens, and the discovery routes (JWKS, openid-configuration). */
@Module({
  controllers: [WellKnownController],
  providers: [SigningKeys, AccessTokens, TokenMetadata],
  exports: [SigningKeys, AccessTokens],
})
export class TokensModule {}
