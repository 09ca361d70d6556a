import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { jwtVerify, SignJWT } from 'jose';
import { AppConfig } from '../config/app-config.js';
import { SigningKeys } from '../tokens/signing-keys.js';

export interface AccessTokenClaims {
  sub: string;
  /** The account's token version when the token was issued. */
  ver: number;
  /** The session the token belongs to. */
  sid: string;
  jti: string;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
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
    const { key, kid } = this.keys.signing;
    const access_token = await new SignJWT({ ver: tokenVersion, sid: sessionId })
      .setProtectedHeader({ alg: this.keys.alg, typ: 'at+jwt', ...(kid && { kid }) })
      .setIssuer(this.config.jwt.issuer)
      .setAudience(this.config.jwt.audience.length === 1 ? this.config.jwt.audience[0] : this.config.jwt.audience)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.config.jwt.ttlSeconds}s`)
      .sign(key);
    return { access_token, token_type: 'bearer', expires_in: this.config.jwt.ttlSeconds };
  }

  /** The claims of a valid token, or null for anything else. */
  async verify(token: string): Promise<AccessTokenClaims | null> {
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
      const { sub, ver, sid, jti } = payload;
      if (typeof sub !== 'string' || typeof ver !== 'number' || !Number.isInteger(ver)) return null;
      if (typeof sid !== 'string' || typeof jti !== 'string') return null;
      return { sub, ver, sid, jti };
    } catch {
      return null;
    }
  }
}
