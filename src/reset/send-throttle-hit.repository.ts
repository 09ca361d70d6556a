import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { lockKeys } from '../database/advisory-locks.js';

/** A subject's hits in the window, before this request's. */
export interface SubjectHits {
  subject: string;
  hits: number;
  /** Seconds until the oldest hit leaves the window (null without hits). */
  retryAfter: number | null;
}

/** send_throttle_hits (entity SendThrottleHit): the reset requests of a subject in a sliding window. */
@Injectable()
export class SendThrottleHitRepository {
  /**
   * Serializes the requests of these subjects until the transaction ends, across instances, so
   * that count-then-insert cannot overshoot (lockKeys: callers pass the subjects in one order
   * everywhere, a request's name, then its account, then its mailboxes).
   */
  async lockSubjects(tx: EntityManager, subjects: string[]): Promise<void> {
    await lockKeys(tx, 0, subjects);
  }

  /**
   * Counts each subject's hits in the window and adds a hit for every subject that has fewer
   * than `limit` while every subject of a lower tier has too, dropping the hits of those
   * subjects that have left the window: one round trip per request. Raw SQL: the query builder
   * cannot join against unnest() or put a DELETE and an INSERT in the WITH clause of a SELECT.
   * Run it after lockSubjects(), in its own statement: a statement's snapshot is taken when it
   * starts, so only a statement that starts once the locks are held sees the hits of the
   * transaction that held them.
   */
  async countHits(
    tx: EntityManager,
    subjects: { subject: string; tier: number }[],
    windowSeconds: number,
    limit: number,
  ): Promise<SubjectHits[]> {
    return (await tx.query(
      `WITH subjects AS (
         SELECT * FROM unnest($1::varchar[], $2::int[]) AS s(subject, tier)
       ), recent AS (
         SELECT s.subject, s.tier, count(h.id)::int AS hits,
                extract(epoch FROM min(h.hit_at) + make_interval(secs => $3) - now())::float AS "retryAfter"
           FROM subjects s
           LEFT JOIN send_throttle_hits h ON h.subject = s.subject AND h.hit_at > now() - make_interval(secs => $3)
          GROUP BY s.subject, s.tier
       ), allowed AS (
         SELECT r.subject FROM recent r
          WHERE r.hits < $4 AND NOT EXISTS (SELECT 1 FROM recent b WHERE b.tier < r.tier AND b.hits >= $4)
       ), pruned AS (
         DELETE FROM send_throttle_hits h USING allowed a
          WHERE h.subject = a.subject AND h.hit_at <= now() - make_interval(secs => $3)
       ), counted AS (
         INSERT INTO send_throttle_hits (subject) SELECT subject FROM allowed
       )
       SELECT subject, hits, "retryAfter" FROM recent`,
      [subjects.map((s) => s.subject), subjects.map((s) => s.tier), windowSeconds, limit],
    )) as SubjectHits[];
  }
}
