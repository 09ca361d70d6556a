import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';

export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, 'too_many_requests', 'Too many password reset requests; try again later', {}, {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });

/**
 * At most RESET_SEND_LIMIT reset requests per subject (an account name, an account, a delivery
 * mailbox) per window, counted across every instance.
 */
export abstract class SendThrottle {
  /**
   * Counts one hit when the subject's budget allows it and returns null; when the budget is
   * spent, counts nothing and returns the seconds until it allows one again.
   */
  abstract take(tx: EntityManager, subject: string): Promise<number | null>;

  /** take(), with a spent budget thrown as a 429 ApiError with Retry-After. */
  async consume(tx: EntityManager, subject: string): Promise<void> {
    const retryAfter = await this.take(tx, subject);
    if (retryAfter !== null) throw tooManyRequests(retryAfter);
  }
}

/** PostgreSQL storage: an advisory lock per subject makes count-then-insert atomic across instances. */
@Injectable()
export class PostgresSendThrottle extends SendThrottle {
  constructor(private readonly config: AppConfig) {
    super();
  }

  async take(tx: EntityManager, subject: string): Promise<number | null> {
    const { sendLimit, sendWindowSeconds } = this.config.reset;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [subject]);
    const [row] = await tx.query(
      `SELECT count(*)::int AS hits,
              extract(epoch FROM min(hit_at) + make_interval(secs => $2::int) - now())::float AS retry_after
         FROM send_throttle_hits
        WHERE subject = $1 AND hit_at > now() - make_interval(secs => $2::int)`,
      [subject, sendWindowSeconds],
    );
    if (row.hits >= sendLimit) return row.retry_after;
    await tx.query(
      `WITH pruned AS (DELETE FROM send_throttle_hits
                        WHERE subject = $1 AND hit_at <= now() - make_interval(secs => $2::int))
       INSERT INTO send_throttle_hits (subject) VALUES ($1)`,
      [subject, sendWindowSeconds],
    );
    return null;
  }
}
