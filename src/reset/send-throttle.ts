import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';

export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, 'too_many_requests', 'Too many password reset requests; try again later', {}, {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });

/**
 * At most RESET_SEND_LIMIT reset requests per subject (an account) per window, counted across
 * every instance. Throws a 429 ApiError with Retry-After when the budget is spent.
 */
export abstract class SendThrottle {
  abstract consume(tx: EntityManager, subject: string): Promise<void>;
}

/** PostgreSQL storage: an advisory lock per subject makes count-then-insert atomic across instances. */
@Injectable()
export class PostgresSendThrottle extends SendThrottle {
  constructor(private readonly config: AppConfig) {
    super();
  }

  async consume(tx: EntityManager, subject: string): Promise<void> {
    const { sendLimit, sendWindowSeconds } = this.config.reset;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [subject]);
    const [row] = await tx.query(
      `SELECT count(*)::int AS hits,
              extract(epoch FROM min(hit_at) + make_interval(secs => $2::int) - now())::float AS retry_after
         FROM send_throttle_hits
        WHERE subject = $1 AND hit_at > now() - make_interval(secs => $2::int)`,
      [subject, sendWindowSeconds],
    );
    if (row.hits >= sendLimit) throw tooManyRequests(row.retry_after);
    await tx.query(
      `WITH pruned AS (DELETE FROM send_throttle_hits
                        WHERE subject = $1 AND hit_at <= now() - make_interval(secs => $2::int))
       INSERT INTO send_throttle_hits (subject) VALUES ($1)`,
      [subject, sendWindowSeconds],
    );
  }
}
