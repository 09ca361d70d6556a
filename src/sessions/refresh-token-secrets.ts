import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Refresh tokens: 256 bits from the CSPRNG, base64url. Stored only as HMAC-SHA256 under a key
 * derived from RESET_SECRET (HKDF, its own label), so a copy of the database cannot refresh.
 * Lookups go by that keyed hash; the token itself is never stored or logged.
 */
@Injectable()
export class RefreshTokenSecrets {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = Buffer.from(hkdfSync('sha256', config.reset.secret, Buffer.alloc(0), 'refresh-token-hash', 32));
  }

  issue(): { token: string; hash: Buffer } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: this.hash(token) };
  }

  /** The keyed hash of a well-formed token; null for anything that cannot be one of ours. */
  hashOf(token: string): Buffer | null {
    return TOKEN_FORMAT.test(token) ? this.hash(token) : null;
  }

  private hash(token: string): Buffer {
    return createHmac('sha256', this.key).update(token).digest();
  }
}
