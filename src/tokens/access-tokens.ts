import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { AppConfig } from '../config/app-config.js';
import { SigningKeys } from './signing-keys.js';

export interface AccessTokenClaims {
  sub: string;
  /** The account's token version when the token was issued. */
  ver: number;
  /** The session the token belongs to. */
  sid: string;
  jti: string;
  /** `service` on a service client's token (which never acts as a user); absent on a user's. */
  tokenUse?: string;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

/** A verified payload's claims as a user token's; null when it lacks one of them. */
export function userClaims(payload: JWTPayload): AccessTokenClaims | null {
  const { sub, ver, sid, jti, token_use } = payload;
  if (typeof sub !== 'string' || typeof ver !== 'number' || !Number.isInteger(ver)) return null;
  if (typeof sid !== 'string' || typeof jti !== 'string') return null;
  return { sub, ver, sid, jti, ...(typeof token_use === 'string' && { tokenUse: token_use }) };
}

/**
 * Short-lived access tokens signed with the configured key (EdDSA, ES256, RS256; HS256 legacy):
 * iss, aud, sub, iat, exp, jti, sid and the token version, the signing key's kid in the header.
 * Verification pins the algorithm, issuer and audience and requires exp.
 */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    private readonly config: AppConfig,
  ) {}

  async issue(userId: string, tokenVersion: number, sessionId: string): Promise<IssuedToken> {
    const access_token = await this.sign(userId, { ver: tokenVersion, sid: sessionId }, this.config.jwt.ttlSeconds);
    return { access_token, token_type: 'bearer', expires_in: this.config.jwt.ttlSeconds };
  }

  /** Signs a token for `subject` with `claims` besides the registered ones (user and service tokens alike). */
  sign(subject: string, claims: JWTPayload, ttlSeconds: number): Promise<string> {
    const { key, kid } = this.keys.signing;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.keys.alg, typ: 'at+jwt', ...(kid && { kid }) })
      .setIssuer(this.config.jwt.issuer)
      .setAudience(this.config.jwt.audience.length === 1 ? this.config.jwt.audience[0] : this.config.jwt.audience)
      .setSubject(subject)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key);
  }

  /** The claims of a valid user token, or null for anything else. */
  async verify(token: string): Promise<AccessTokenClaims | null> {
    const payload = await this.verifiedPayload(token);
    return payload && userClaims(payload);
  }

  /**
   * The payload of a token this service signed (pinned algorithm, issuer and audience; exp,
   * iat, sub and jti required) that has not expired, user or service token alike; else null.
   */
  async verifiedPayload(token: string): Promise<JWTPayload | null> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = this.keys.verifying(header.kid);
          if (!key) throw new Error('unknown key');
          return key;
        },
        {
          algorithms: [this.keys.alg],
          issuer: this.config.jwt.issuer,
          audience: this.config.jwt.audience,
          requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        },
      );
      return payload;
    } catch {
      return null;
    }
  }
}
