import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';

export interface AccessTokenClaims {
  sub: string;
  /** The account's token version when the token was issued. */
  ver: number;
  /** Expiry (seconds since the epoch); set on every token issued, required on every token accepted. */
  exp?: number;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

/** HS256 access tokens with pinned algorithm, issuer and audience, and a required expiry. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async issue(userId: string, tokenVersion: number): Promise<IssuedToken> {
    const claims: AccessTokenClaims = { sub: userId, ver: tokenVersion };
    const access_token = await this.jwt.signAsync(claims);
    return { access_token, token_type: 'bearer', expires_in: this.config.jwt.ttlSeconds };
  }

  /** The claims of a valid token, or null for anything else. */
  async verify(token: string): Promise<AccessTokenClaims | null> {
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
      // jsonwebtoken accepts a token without `exp` as never expiring; every token issued here has one.
      if (typeof claims.sub !== 'string' || !Number.isInteger(claims.ver) || typeof claims.exp !== 'number') return null;
      return claims;
    } catch {
      return null;
    }
  }
}
