import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SendThrottleHit } from './send-throttle-hit.entity.js';

/** send_throttle_hits: the reset requests of a subject in a sliding window. */
@Injectable()
export class SendThrottleHitRepository {
  /**
   * Serializes the requests of one subject until the transaction ends, across instances, so
   * that count-then-insert cannot overshoot. Raw SQL: TypeORM has no advisory locks.
   */
  async lockSubject(tx: EntityManager, subject: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [subject]);
  }

  /** The subject's hits in the window, and the seconds until the oldest of them leaves it. */
  async window(tx: EntityManager, subject: string, windowSeconds: number): Promise<{ hits: number; retryAfter: number | null }> {
    const row = await tx
      .createQueryBuilder(SendThrottleHit, 'h')
      .select('count(*)::int', 'hits')
      .addSelect('extract(epoch FROM min(h.hit_at) + make_interval(secs => :windowSeconds) - now())::float', 'retryAfter')
      .where('h.subject = :subject AND h.hit_at > now() - make_interval(secs => :windowSeconds)', { subject, windowSeconds })
      .getRawOne<{ hits: number; retryAfter: number | null }>();
    return row!;
  }

  /** Drops the subject's hits that have left the window. */
  async pruneBefore(tx: EntityManager, subject: string, windowSeconds: number): Promise<void> {
    await tx
      .createQueryBuilder()
      .delete()
      .from(SendThrottleHit)
      .where('subject = :subject AND hit_at <= now() - make_interval(secs => :windowSeconds)', { subject, windowSeconds })
      .execute();
  }

  async insert(tx: EntityManager, subject: string): Promise<void> {
    await tx.insert(SendThrottleHit, { subject });
  }
}
