import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { OpaqueSecrets } from '../tokens/opaque-secrets.js';

/**
 * Refresh tokens: opaque 256-bit secrets, stored only as a keyed hash (label
 * `refresh-token-hash`). Lookups go by that hash.
 */
@Injectable()
export class RefreshTokenSecrets extends OpaqueSecrets {
  constructor(config: AppConfig) {
    super(config.reset.secret, 'refresh-token-hash');
  }
}
