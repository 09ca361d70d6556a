import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, type JwtAlg } from '../config/app-config.js';
import { type LoadedKey, loadJwkSet, type PublicJwk } from '../config/jwk-set.js';

export type { PublicJwk };

/**
 * The keys access tokens are signed and verified with. The first key of the set signs; the
 * others only verify, so a rotation adds the new key first and drops the old one once every
 * token it signed has expired. HS256 (legacy) uses the shared JWT_SECRET and publishes nothing.
 */
@Injectable()
export class SigningKeys {
  readonly alg: JwtAlg;
  private readonly keys: LoadedKey[];
  private readonly secret?: KeyObject;

  constructor(config: AppConfig) {
    this.alg = config.jwt.alg;
    if (this.alg === 'HS256') {
      this.keys = [];
      this.secret = createSecretKey(Buffer.from(config.jwt.secret!, 'utf8'));
      if (config.production) {
        new Logger(SigningKeys.name).warn(
          'JWT_ALG=HS256: every service that verifies tokens must hold JWT_SECRET and could mint them; no JWKS is published. Use EdDSA, ES256 or RS256 with JWT_SIGNING_KEYS.',
        );
      }
    } else {
      if (!config.jwt.keys) throw new Error('Invalid configuration:\n  JWT_SIGNING_KEYS: required');
      this.keys = loadJwkSet(this.alg, config.jwt.keys);
    }
  }

  /** The key that signs new tokens, and the kid to name in their header (none for HS256). */
  get signing(): { key: KeyObject; kid?: string } {
    if (this.secret) return { key: this.secret };
    return { key: this.keys[0].privateKey, kid: this.keys[0].kid };
  }

  /** The key a token's header names, or undefined when no configured key has that kid. */
  verifying(kid: string | undefined): KeyObject | undefined {
    if (this.secret) return kid === undefined ? this.secret : undefined;
    return this.keys.find((k) => k.kid === kid)?.publicKey;
  }

  /** The public JWK Set, or null in HS256 mode (a shared secret is never published). */
  jwks(): { keys: PublicJwk[] } | null {
    return this.secret ? null : { keys: this.keys.map((k) => k.publicJwk) };
  }
}
