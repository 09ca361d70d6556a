import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Opaque secrets (refresh tokens, client secrets): 256 bits from the CSPRNG, base64url. Stored
 * only as HMAC-SHA256 under a key derived from RESET_SECRET (HKDF, one label per kind of
 * secret), so a copy of the database can use none of them. The secret itself is never stored
 * or logged.
 */
export class OpaqueSecrets {
  private readonly key: Buffer;

  constructor(masterSecret: string, label: string) {
    this.key = Buffer.from(hkdfSync('sha256', masterSecret, Buffer.alloc(0), label, 32));
  }

  issue(): { token: string; hash: Buffer } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: this.hash(token) };
  }

  /** The keyed hash of a well-formed secret; null for anything that cannot be one of ours. */
  hashOf(token: string): Buffer | null {
    return SECRET_FORMAT.test(token) ? this.hash(token) : null;
  }

  /** Whether `token` is the secret `storedHash` was made from, compared in constant time. */
  matches(token: string, storedHash: Buffer): boolean {
    const hash = this.hash(token);
    return SECRET_FORMAT.test(token) && hash.length === storedHash.length && timingSafeEqual(hash, storedHash);
  }

  private hash(token: string): Buffer {
    return createHmac('sha256', this.key).update(token).digest();
  }
}
