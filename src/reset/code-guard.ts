import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../database/pg.js';
import { AppConfig } from '../config/app-config.js';

/** What reserving a slot under the ceiling gave. */
export type CodeSlot =
  /** The try may be evaluated; `id` is the failure row counted in advance. */
  | { id: string; reachedCeiling: boolean }
  /** The ceiling is reached: the try must be refused unevaluated. */
  | null;

/**
 * The ceiling on wrong reset codes per account across all of its requests
 * (RESET_MAX_CODE_FAILURES per RESET_CODE_FAILURE_WINDOW_SECONDS). Every try takes a slot
 * before its code is compared (an advisory lock per subject makes count-then-insert atomic
 * across instances), so concurrent tries cannot overshoot; a right code gives its slot back.
 */
@Injectable()
export class CodeGuard {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async reserve(tx: EntityManager, subject: string): Promise<CodeSlot> {
    const { maxCodeFailures, codeFailureWindowSeconds } = this.config.reset;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 1))`, [subject]);
    const [row] = await tx.query(
      `SELECT count(*)::int AS failures FROM code_failures
        WHERE subject = $1 AND failed_at > now() - make_interval(secs => $2::int)`,
      [subject, codeFailureWindowSeconds],
    );
    if (row.failures >= maxCodeFailures) return null;
    const [inserted] = returnedRows(await tx.query(
      `WITH pruned AS (DELETE FROM code_failures
                        WHERE subject = $1 AND failed_at <= now() - make_interval(secs => $2::int))
       INSERT INTO code_failures (subject) VALUES ($1) RETURNING id`,
      [subject, codeFailureWindowSeconds],
    ));
    return { id: String(inserted.id), reachedCeiling: row.failures + 1 >= maxCodeFailures };
  }

  /**
   * True the first time in a window that a subject reaches the ceiling (so it is alerted once);
   * false after that.
   */
  async firstAlert(tx: EntityManager, subject: string): Promise<boolean> {
    const rows = returnedRows(await tx.query(
      `INSERT INTO code_failure_alerts (subject) VALUES ($1)
       ON CONFLICT (subject) DO UPDATE SET alerted_at = now()
        WHERE code_failure_alerts.alerted_at <= now() - make_interval(secs => $2::int)
       RETURNING subject`,
      [subject, this.config.reset.codeFailureWindowSeconds],
    ));
    return rows.length > 0;
  }

  /** A right code: its slot goes back. */
  async release(id: string): Promise<void> {
    await this.db.query(`DELETE FROM code_failures WHERE id = $1`, [id]);
  }

  /** Lifts the ceiling (a completed reset). */
  async clear(tx: EntityManager, subject: string): Promise<void> {
    await tx.query(`DELETE FROM code_failures WHERE subject = $1`, [subject]);
    await tx.query(`DELETE FROM code_failure_alerts WHERE subject = $1`, [subject]);
  }
}
