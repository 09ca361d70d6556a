import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** send_throttle_hits (entity SendThrottleHit): the reset requests of a subject in a sliding window. */
@Injectable()
export class SendThrottleHitRepository {
  /**
   * Serializes the requests of one subject until the transaction ends, across instances, so
   * that count-then-insert cannot overshoot. Raw SQL: TypeORM has no advisory locks.
   */
  async lockSubject(tx: EntityManager, subject: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [subject]);
  }

  /**
   * Counts the subject's hits in the window and, when there are fewer than `limit`, drops the
   * ones that have left it and adds this one: one round trip per request and subject. Returns
   * the hits before this one, and the seconds until the oldest leaves the window. Raw SQL: the
   * query builder cannot put a DELETE and an INSERT in the WITH clause of a SELECT. Run it after
   * lockSubject(), in its own statement: a statement's snapshot is taken when it starts, so only a
   * statement that starts once the lock is held sees the hits of the transaction that held it.
   */
  async countHit(tx: EntityManager, subject: string, windowSeconds: number, limit: number): Promise<{ hits: number; retryAfter: number | null }> {
    const [row] = (await tx.query(
      `WITH recent AS (
         SELECT count(*)::int AS hits, extract(epoch FROM min(hit_at) + make_interval(secs => $2) - now())::float AS "retryAfter"
         FROM send_throttle_hits WHERE subject = $1 AND hit_at > now() - make_interval(secs => $2)
       ), pruned AS (
         DELETE FROM send_throttle_hits WHERE subject = $1 AND hit_at <= now() - make_interval(secs => $2) AND (SELECT hits FROM recent) < $3
       ), counted AS (
         INSERT INTO send_throttle_hits (subject) SELECT $1 WHERE (SELECT hits FROM recent) < $3
       )
       SELECT hits, "retryAfter" FROM recent`,
      [subject, windowSeconds, limit],
    )) as { hits: number; retryAfter: number | null }[];
    return row;
  }
}
