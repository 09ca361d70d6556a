import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../database/pg.js';

/** The stand-in request of a name with no deliverable account (see HiddenRequests). */
export interface HiddenRequest {
  attempts: number;
  expired: boolean;
}

/**
 * With RESET_HIDE_UNKNOWN_ACCOUNTS, a name that has no account (or an account without an email
 * address) gets a stand-in request when a reset is requested for it, so the code routes answer
 * it like a known account whose codes are always wrong: RESET_MAX_ATTEMPTS tries, then
 * `rate_limit_exceeded`, `code_expired` after RESET_TTL_SECONDS, and a fresh request resets the
 * tries. Keyed by an HMAC of the name (IdentifierKeys), never the name itself.
 */
@Injectable()
export class HiddenRequests {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(subject: string): Promise<HiddenRequest | null> {
    const rows = await this.db.query(
      `SELECT attempts, expires_at <= now() AS expired FROM hidden_reset_requests WHERE subject = $1`,
      [subject],
    );
    return rows[0] ? { attempts: rows[0].attempts, expired: rows[0].expired } : null;
  }

  /** A fresh request: no tries yet, a new expiry. */
  async renew(tx: EntityManager, subject: string, ttlSeconds: number): Promise<void> {
    await tx.query(
      `INSERT INTO hidden_reset_requests (subject, expires_at) VALUES ($1, now() + make_interval(secs => $2::int))
       ON CONFLICT (subject) DO UPDATE SET attempts = 0, expires_at = EXCLUDED.expires_at, created_at = now()`,
      [subject, ttlSeconds],
    );
  }

  /** Counts one try if the cap allows it (as ResetRequests.countTry); null when it does not. */
  async countTry(tx: EntityManager, subject: string, maxAttempts: number): Promise<number | null> {
    const rows = returnedRows(await tx.query(
      `UPDATE hidden_reset_requests SET attempts = attempts + 1
        WHERE subject = $1 AND attempts < $2 AND expires_at > now()
        RETURNING attempts`,
      [subject, maxAttempts],
    ));
    return rows[0]?.attempts ?? null;
  }
}
