import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { User } from '../users/user.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { Session } from './session.entity.js';

/** SQL for "the session is live": not revoked, not past its lifetime, used within the idle timeout. */
const live = (alias: string, idleSeconds: number) =>
  `${alias}.revoked_at IS NULL AND ${alias}.expires_at > now() AND ${alias}.last_used_at > now() - ${Math.trunc(idleSeconds)} * interval '1 second'`;

export interface NewSession {
  userId: string;
  userAgent?: string;
  clientIp?: string;
  maxSeconds: number;
}

export interface RefreshedSession {
  sessionId: string;
  userId: string;
  tokenVersion: number;
  expiresAt: Date;
}

/** The queries on sessions and refresh tokens, one method each. `m` is the transaction's manager when given. */
@Injectable()
export class SessionsRepository {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
  ) {}

  /**
   * A new session and its first refresh token, in one statement (atomic without a transaction).
   * Raw SQL: a data-modifying CTE over two tables, which TypeORM's query builders cannot say; a
   * transaction of two inserts costs every login three more round trips.
   */
  async create(session: NewSession, tokenHash: Buffer): Promise<{ id: string; expiresAt: Date }> {
    const [row] = (await this.sessions.query(
      `WITH created AS (
         INSERT INTO sessions (user_id, user_agent, client_ip, last_used_at, expires_at)
         VALUES ($1, $2, $3, now(), now() + $4 * interval '1 second')
         RETURNING id, expires_at
       ), token AS (
         INSERT INTO refresh_tokens (session_id, token_hash) SELECT id, $5 FROM created
       )
       SELECT id, expires_at FROM created`,
      [session.userId, session.userAgent?.slice(0, 512) ?? null, session.clientIp?.slice(0, 64) ?? null, Math.trunc(session.maxSeconds), tokenHash],
    )) as { id: string; expires_at: Date | string }[];
    return { id: row.id, expiresAt: new Date(row.expires_at) };
  }

  /**
   * Rotates a refresh token in one statement: uses up `tokenHash` when it is unused, its account not disabled and its
   * session live, gives that session `nextHash` and marks it used now; returns what a new access
   * token needs, or null. Of two concurrent rotations of one token exactly one gets the row (the
   * second waits for the first's row lock, then finds used_at set). Raw SQL: a data-modifying CTE,
   * which TypeORM's query builders cannot say; one round trip instead of a transaction of six
   * (the refresh benchmark in BENCHMARKS.md).
   */
  async rotateRefreshToken(tokenHash: Buffer, nextHash: Buffer, idleSeconds: number): Promise<RefreshedSession | null> {
    const rows: Array<{ session_id: string; user_id: string; expires_at: Date | string; token_version: number }> = await this.sessions.query(
      `WITH used AS (
         UPDATE refresh_tokens SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL
            AND session_id IN (SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE ${live('s', idleSeconds)} AND u.disabled_at IS NULL)
          RETURNING session_id
       ), added AS (
         INSERT INTO refresh_tokens (session_id, token_hash) SELECT session_id, $2 FROM used RETURNING session_id
       ), touched AS (
         UPDATE sessions s SET last_used_at = now() FROM added WHERE s.id = added.session_id
          RETURNING s.id, s.user_id, s.expires_at
       )
       SELECT t.id AS session_id, t.user_id, t.expires_at, u.token_version FROM touched t JOIN users u ON u.id = t.user_id`,
      [tokenHash, nextHash],
    );
    const row = rows[0];
    if (!row) return null;
    return { sessionId: row.session_id, userId: row.user_id, tokenVersion: row.token_version, expiresAt: new Date(row.expires_at) };
  }

  /** A refresh token's record (used or not), or null when no session was ever given it. */
  async findRefreshToken(tokenHash: Buffer): Promise<{ sessionId: string; used: boolean } | null> {
    const token = await this.refreshTokens.findOne({ where: { tokenHash }, select: { sessionId: true, usedAt: true } });
    return token ? { sessionId: token.sessionId, used: token.usedAt !== null } : null;
  }

  /** Revokes one session (of `userId` when given); false when there was no live one. */
  async revoke(sessionId: string, userId?: string): Promise<boolean> {
    const qb = this.sessions
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()' })
      .where('id = :sessionId AND revoked_at IS NULL', { sessionId });
    if (userId) qb.andWhere('user_id = :userId', { userId });
    const result = await qb.returning(['id']).execute();
    return (result.raw as unknown[]).length > 0;
  }

  /** Revokes every session of the account; returns how many were live. */
  async revokeAllForUser(m: EntityManager, userId: string): Promise<number> {
    const result = await m
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()' })
      .where('user_id = :userId AND revoked_at IS NULL', { userId })
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length;
  }

  /** The account's live sessions, newest first. */
  listLive(userId: string, idleSeconds: number): Promise<Session[]> {
    return this.sessions
      .createQueryBuilder('s')
      .where('s.user_id = :userId', { userId })
      .andWhere(live('s', idleSeconds))
      .orderBy('s.created_at', 'DESC')
      .getMany();
  }

  /** Whether an access token's session is live, its account not disabled, and its token version still the account's. */
  async isLive(sessionId: string, userId: string, tokenVersion: number, idleSeconds: number): Promise<boolean> {
    const count = await this.sessions
      .createQueryBuilder('s')
      .innerJoin(User, 'u', 'u.id = s.user_id')
      .where('s.id = :sessionId AND s.user_id = :userId AND u.token_version = :tokenVersion AND u.disabled_at IS NULL', { sessionId, userId, tokenVersion })
      .andWhere(live('s', idleSeconds))
      .getCount();
    return count > 0;
  }
}
