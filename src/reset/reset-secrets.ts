import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

const TOKEN_RANDOM_BYTES = 32;
const UUID_BYTES = 16;
/** base64url of 16 id bytes + 32 random bytes. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{64}$/;

export interface IssuedSecrets {
  code: string;
  token: string;
  codeHash: Buffer;
  tokenHash: Buffer;
}

/**
 * One-time codes and link tokens of one purpose (password resets, address verifications). Both
 * come from the CSPRNG, are stored only as HMAC-SHA256 under a key derived from RESET_SECRET
 * and the purpose (a secret of one purpose never matches a hash of another), and are compared
 * in constant time. A code's hash is bound to its request (and so to one account); a link token
 * carries its request id, so it is valid by itself.
 */
export class OneTimeSecrets {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = createHmac('sha256', secret).update(purpose).digest();
  }

  issue(requestId: string): IssuedSecrets {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const token = Buffer.concat([uuidToBytes(requestId), randomBytes(TOKEN_RANDOM_BYTES)]).toString('base64url');
    return { code, token, codeHash: this.codeHash(requestId, code), tokenHash: this.tokenHash(token) };
  }

  codeMatches(requestId: string, code: string, storedHash: Buffer): boolean {
    return safeEqual(this.codeHash(requestId, code), storedHash);
  }

  tokenMatches(token: string, storedHash: Buffer): boolean {
    return safeEqual(this.tokenHash(token), storedHash);
  }

  /** The request id a token names, or null when the token is not in our format. */
  parseToken(token: string): string | null {
    if (!TOKEN_PATTERN.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length !== UUID_BYTES + TOKEN_RANDOM_BYTES) return null;
    return bytesToUuid(bytes.subarray(0, UUID_BYTES));
  }

  private codeHash(requestId: string, code: string): Buffer {
    return createHmac('sha256', this.key).update(`code:${requestId}:${code}`).digest();
  }

  private tokenHash(token: string): Buffer {
    return createHmac('sha256', this.key).update(`token:${token}`).digest();
  }
}

/** The secrets of password resets. */
@Injectable()
export class ResetSecrets extends OneTimeSecrets {
  constructor(config: AppConfig) {
    super(config.reset.secret, 'reset-secrets/v1');
  }
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
