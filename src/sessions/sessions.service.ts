import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessTokens, IssuedToken } from '../tokens/access-tokens.js';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { RefreshTokenSecrets } from './refresh-token-secrets.js';
import { SessionsRepository } from './sessions.repository.js';

export interface TokenPair extends IssuedToken {
  refresh_token: string;
  /** Seconds until the refresh token dies unused (the idle timeout, capped by the session's lifetime). */
  refresh_expires_in: number;
}

export interface ClientInfo {
  userAgent?: string;
  clientIp?: string;
}

export interface SessionView {
  id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  user_agent: string | null;
  client_ip: string | null;
  current: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const refreshTokenInvalid = () =>
  new ApiError(401, 'refresh_token_invalid', 'The refresh token is invalid, expired or revoked');
export const refreshTokenReused = () =>
  new ApiError(401, 'refresh_token_reused', 'The refresh token was already used; the session has been revoked');
export const sessionNotFound = () => new ApiError(404, 'session_not_found', 'No such active session');

/**
 * Sessions behind the access tokens: each login starts one, each refresh rotates its refresh
 * token, and a used refresh token presented again revokes the whole session (RFC 9700 §4.14).
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: SessionsRepository,
    private readonly secrets: RefreshTokenSecrets,
    private readonly tokens: AccessTokens,
    private readonly config: AppConfig,
  ) {}

  /** Starts a session for a login (or a password change) and answers its first token pair. */
  async start(userId: string, tokenVersion: number, client: ClientInfo = {}): Promise<TokenPair> {
    const { token, hash } = this.secrets.issue();
    const session = await this.repository.create({ userId, ...client, maxSeconds: this.config.sessions.maxSeconds }, hash);
    return this.pair(userId, tokenVersion, session.id, session.expiresAt, token);
  }

  /** Rotates a refresh token: the presented one is used up, a new pair answers. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const hash = this.secrets.hashOf(refreshToken);
    if (!hash) throw refreshTokenInvalid();
    const { token, hash: nextHash } = this.secrets.issue();
    const refreshed = await this.repository.rotateRefreshToken(hash, nextHash, this.config.sessions.idleSeconds);
    if (refreshed) {
      return this.pair(refreshed.userId, refreshed.tokenVersion, refreshed.sessionId, refreshed.expiresAt, token);
    }
    const known = await this.repository.findRefreshToken(hash);
    if (known?.used) {
      // Someone holds a token that was already rotated: the session is no longer trustworthy.
      await this.repository.revoke(known.sessionId);
      throw refreshTokenReused();
    }
    throw refreshTokenInvalid();
  }

  /** Ends the session a refresh token (used or not) belongs to; nothing for a token never issued (RFC 7009 §2.2). */
  async revokeByRefreshToken(refreshToken: string): Promise<void> {
    const hash = this.secrets.hashOf(refreshToken);
    const known = hash ? await this.repository.findRefreshToken(hash) : null;
    if (known) await this.repository.revoke(known.sessionId);
  }

  /** Whether an access token's session is still live (and its token version current). */
  isLive(sessionId: string, userId: string, tokenVersion: number): Promise<boolean> {
    if (!UUID.test(sessionId) || !UUID.test(userId)) return Promise.resolve(false);
    return this.repository.isLive(sessionId, userId, tokenVersion, this.config.sessions.idleSeconds);
  }

  async list(userId: string, currentSessionId: string): Promise<SessionView[]> {
    const sessions = await this.repository.listLive(userId, this.config.sessions.idleSeconds);
    return sessions.map((s) => ({
      id: s.id,
      created_at: s.createdAt.toISOString(),
      last_used_at: s.lastUsedAt.toISOString(),
      expires_at: s.expiresAt.toISOString(),
      user_agent: s.userAgent,
      client_ip: s.clientIp,
      current: s.id === currentSessionId,
    }));
  }

  /** Ends one of the account's sessions; 404 when it has no such live session. */
  async revoke(userId: string, sessionId: string): Promise<void> {
    if (!UUID.test(sessionId) || !(await this.repository.revoke(sessionId, userId))) throw sessionNotFound();
  }

  async revokeAll(userId: string): Promise<void> {
    await this.repository.revokeAllForUser(this.db.manager, userId);
  }

  /** In a password change's (or an admin change's) transaction: every session of the account ends with it. Returns how many were live. */
  revokeAllInTransaction(tx: EntityManager, userId: string): Promise<number> {
    return this.repository.revokeAllForUser(tx, userId);
  }

  private async pair(userId: string, tokenVersion: number, sessionId: string, expiresAt: Date, refreshToken: string): Promise<TokenPair> {
    const access = await this.tokens.issue(userId, tokenVersion, sessionId);
    const untilEnd = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    return { ...access, refresh_token: refreshToken, refresh_expires_in: Math.min(this.config.sessions.idleSeconds, untilEnd) };
  }
}
