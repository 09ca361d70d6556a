import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';

/**
 * Failed logins counted per account and per client IP in a sliding window, shared by every
 * instance through the database. Past the limit a subject waits until its oldest failure ages
 * out of the window: throttling, not a lockout.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  static accountKey(userId: string) {
    return `account:${userId}`;
  }

  static ipKey(ip: string) {
    return `ip:${ip}`;
  }

  /**
   * Throws 429 when a subject has reached its limit; otherwise returns the failures each subject
   * has in the window (subjects without any are absent), so a successful login clears only what
   * exists.
   */
  async assertAllowed(subjects: string[]): Promise<Record<string, number>> {
    const { maxFailures, maxFailuresPerIp, windowSeconds } = this.config.login;
    const rows: { subject: string; failures: number; retry_after: number; blocked: boolean }[] = await this.db.query(
      `SELECT subject, count(*)::int AS failures,
              count(*) >= CASE WHEN subject LIKE 'ip:%' THEN $4::int ELSE $3::int END AS blocked,
              ceil(extract(epoch FROM min(failed_at) + make_interval(secs => $2::int) - now()))::int AS retry_after
         FROM login_failures
        WHERE subject = ANY($1) AND failed_at > now() - make_interval(secs => $2::int)
        GROUP BY subject`,
      [subjects, windowSeconds, maxFailures, maxFailuresPerIp],
    );
    const blocked = rows.filter((r) => r.blocked);
    if (blocked.length) {
      const retryAfter = Math.max(1, ...blocked.map((r) => r.retry_after));
      throw new ApiError(429, 'too_many_attempts', 'Too many failed attempts, try again later', {}, {
        'Retry-After': String(retryAfter),
      });
    }
    return Object.fromEntries(rows.map((r) => [r.subject, r.failures]));
  }

  async recordFailure(subjects: string[]): Promise<void> {
    await this.db.query(
      `INSERT INTO login_failures (subject) SELECT unnest($1::varchar[])`,
      [subjects],
    );
  }

  async clear(subject: string): Promise<void> {
    await this.db.query(`DELETE FROM login_failures WHERE subject = $1`, [subject]);
  }

  /** Drops failures that have aged out of the window. */
  async prune(): Promise<void> {
    await this.db.query(
      `DELETE FROM login_failures WHERE failed_at < now() - make_interval(secs => $1::int)`,
      [this.config.login.windowSeconds],
    );
  }
}
