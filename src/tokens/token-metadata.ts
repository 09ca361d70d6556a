import { Injectable } from '@nestjs/common';
import { KNOWN_SCOPES } from './scopes.js';
import { AppConfig } from '../config/app-config.js';
import type { JwksDto, OpenIdConfigurationDto } from './dto/well-known.dto.js';
import { SigningKeys } from './signing-keys.js';

/** What the discovery routes publish. */
@Injectable()
export class TokenMetadata {
  constructor(
    private readonly keys: SigningKeys,
    private readonly config: AppConfig,
  ) {}

  jwks(): JwksDto | null {
    return this.keys.jwks();
  }

  configuration(): OpenIdConfigurationDto {
    const base = this.config.publicUrl;
    const published = this.keys.jwks() !== null;
    return {
      issuer: this.config.jwt.issuer,
      ...(published && { jwks_uri: `${base}/.well-known/jwks.json` }),
      token_endpoint: `${base}/oauth/token`,
      introspection_endpoint: `${base}/oauth/introspect`,
      revocation_endpoint: `${base}/oauth/revoke`,
      grant_types_supported: ['client_credentials', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      scopes_supported: [...KNOWN_SCOPES],
      id_token_signing_alg_values_supported: [this.keys.alg],
      subject_types_supported: ['public'],
    };
  }
}
