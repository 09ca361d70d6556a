import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { lockKeys } from '../database/advisory-locks.js';
import { CodeFailure, CodeFailureAlert } from './code-failure.entity.js';

/** code_failures and code_failure_alerts: the wrong codes of a subject in a sliding window. */
@Injectable()
export class CodeFailureRepository {
  constructor(@InjectRepository(CodeFailure) private readonly failures: Repository<CodeFailure>) {}

  /**
   * Serializes the tries of one subject until the transaction ends, across instances, so that
   * count-then-insert cannot overshoot.
   */
  async lockSubject(tx: EntityManager, subject: string): Promise<void> {
    await lockKeys(tx, 1, [subject]);
  }

  /**
   * Counts the subject's failures in the window and, when there are fewer than `limit`, drops
   * the ones that have left it and adds one in advance: one round trip per try. Returns the
   * failures before this one and the added row's id (null at the ceiling). Raw SQL: the query
   * builder cannot put a DELETE and an INSERT in the WITH clause of a SELECT. Run it after
   * lockSubject(), in a statement of its own, whose snapshot then sees what the lock's previous
   * holder committed.
   */
  async reserve(tx: EntityManager, subject: string, windowSeconds: number, limit: number): Promise<{ failures: number; id: string | null }> {
    const [row] = (await tx.query(
      `WITH recent AS (
         SELECT count(*)::int AS failures FROM code_failures WHERE subject = $1 AND failed_at > now() - make_interval(secs => $2)
       ), pruned AS (
         DELETE FROM code_failures WHERE subject = $1 AND failed_at <= now() - make_interval(secs => $2) AND (SELECT failures FROM recent) < $3
       ), slot AS (
         INSERT INTO code_failures (subject) SELECT $1 WHERE (SELECT failures FROM recent) < $3 RETURNING id
       )
       SELECT (SELECT failures FROM recent) AS failures, (SELECT id FROM slot)::text AS id`,
      [subject, windowSeconds, limit],
    )) as { failures: number; id: string | null }[];
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.failures.delete({ id });
  }

  async deleteSubjects(tx: EntityManager, subjects: string[]): Promise<void> {
    await tx.delete(CodeFailure, { subject: In(subjects) });
  }

  /** True when no alert of the subject is within the window (and records this one). */
  async recordAlert(tx: EntityManager, subject: string, windowSeconds: number): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(CodeFailureAlert)
      .values({ subject, alertedAt: () => 'now()' })
      .orUpdate(['alerted_at'], ['subject'], {
        overwriteCondition: {
          where: 'code_failure_alerts.alerted_at <= now() - make_interval(secs => :windowSeconds)',
          parameters: { windowSeconds },
        },
      })
      .returning(['subject'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async deleteAlerts(tx: EntityManager, subjects: string[]): Promise<void> {
    await tx.delete(CodeFailureAlert, { subject: In(subjects) });
  }
}
