import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { OpaqueSecrets } from '../tokens/opaque-secrets.js';

/** Client secrets: opaque 256-bit secrets, stored only as a keyed hash (label `client-secret-hash`). */
@Injectable()
export class ClientSecrets extends OpaqueSecrets {
  constructor(config: AppConfig) {
    super(config.reset.secret, 'client-secret-hash');
  }
}
