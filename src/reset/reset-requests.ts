import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DbRow, returnedRows } from '../database/pg.js';
import type { HiddenRequest } from './hidden-requests.js';

/** A reset request as stored. Secrets exist only as their keyed hashes. */
export interface ResetRequest {
  id: string;
  userId: string | null;
  codeHash: Buffer;
  tokenHash: Buffer;
  attempts: number;
  locale: string;
  expired: boolean;
  usedAt: Date | null;
  supersededAt: Date | null;
}

const COLUMNS = `id, user_id, code_hash, token_hash, attempts, locale, used_at, superseded_at,
  expires_at <= now() AS expired`;

function toRequest(row: DbRow): ResetRequest {
  return {
    id: row.id,
    userId: row.user_id,
    codeHash: Buffer.from(row.code_hash),
    tokenHash: Buffer.from(row.token_hash),
    attempts: row.attempts,
    locale: row.locale,
    expired: row.expired,
    usedAt: row.used_at,
    supersededAt: row.superseded_at,
  };
}

/** The reset_requests table. One query per method; state changes are conditional updates. */
@Injectable()
export class ResetRequests {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The account's newest request that a newer one has not superseded. */
  async latestFor(userId: string): Promise<ResetRequest | null> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM reset_requests WHERE user_id = $1 AND superseded_at IS NULL
        ORDER BY created_at DESC LIMIT 1`,
      [userId],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  /**
   * With RESET_HIDE_UNKNOWN_ACCOUNTS, in one query: the account's newest request, whether it was
   * requested under the name whose stand-in key is `subject` (the request and the name's
   * stand-in are written in one transaction, so they share `created_at`), and that stand-in.
   */
  async latestForName(userId: string, subject: string): Promise<{ request: ResetRequest | null; bound: boolean; standIn: HiddenRequest | null }> {
    const [row] = await this.db.query(
      `SELECT r.*, h.attempts AS h_attempts, h.expires_at <= now() AS h_expired, h.created_at = r.created_at AS bound
         FROM (SELECT $2::varchar AS subject) s
         LEFT JOIN hidden_reset_requests h ON h.subject = s.subject
         LEFT JOIN LATERAL (SELECT ${COLUMNS}, created_at FROM reset_requests
                             WHERE user_id = $1 AND superseded_at IS NULL ORDER BY created_at DESC LIMIT 1) r ON true`,
      [userId, subject],
    );
    return {
      request: row.id ? toRequest(row) : null,
      bound: row.bound === true,
      standIn: row.h_attempts === null || row.h_attempts === undefined ? null : { attempts: row.h_attempts, expired: row.h_expired },
    };
  }

  async byId(id: string): Promise<ResetRequest | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM reset_requests WHERE id = $1`, [id]);
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async insert(
    tx: EntityManager,
    r: { id: string; userId: string; codeHash: Buffer; tokenHash: Buffer; locale: string; ttlSeconds: number },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO reset_requests (id, user_id, code_hash, token_hash, locale, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6::int))`,
      [r.id, r.userId, r.codeHash, r.tokenHash, r.locale, r.ttlSeconds],
    );
  }

  /** Retires the account's outstanding requests (a new request, or a completed reset). */
  async supersedeOutstanding(tx: EntityManager, userId: string): Promise<void> {
    await tx.query(
      `UPDATE reset_requests SET superseded_at = now()
        WHERE user_id = $1 AND used_at IS NULL AND superseded_at IS NULL`,
      [userId],
    );
  }

  /**
   * Counts one try, before its code is compared, unless the cap was reached (by this or any
   * concurrent try) or the request is no longer live. Returns the new count, or null when
   * nothing was counted: of any number of concurrent tries, at most `maxAttempts` get a count.
   */
  async countTry(tx: EntityManager, id: string, maxAttempts: number): Promise<number | null> {
    const rows = returnedRows(await tx.query(
      `UPDATE reset_requests SET attempts = attempts + 1
        WHERE id = $1 AND attempts < $2 AND used_at IS NULL AND superseded_at IS NULL AND expires_at > now()
        RETURNING attempts`,
      [id, maxAttempts],
    ));
    return rows[0]?.attempts ?? null;
  }

  /**
   * Marks the request used if it is still live. Exactly one of any number of concurrent
   * callers gets the row back; the rest get null. (A code's try was counted by countTry
   * before its comparison, so no cap applies here.)
   */
  async consume(tx: EntityManager, id: string): Promise<{ userId: string | null } | null> {
    const rows = returnedRows(await tx.query(
      `UPDATE reset_requests SET used_at = now()
        WHERE id = $1 AND used_at IS NULL AND superseded_at IS NULL AND expires_at > now()
        RETURNING user_id`,
      [id],
    ));
    return rows[0] ? { userId: rows[0].user_id } : null;
  }
}
