import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CodeFailure, CodeFailureAlert } from './code-failure.entity.js';

/** code_failures and code_failure_alerts: the wrong codes of a subject in a sliding window. */
@Injectable()
export class CodeFailureRepository {
  constructor(@InjectRepository(CodeFailure) private readonly failures: Repository<CodeFailure>) {}

  /**
   * Serializes the tries of one subject until the transaction ends, across instances, so that
   * count-then-insert cannot overshoot. Raw SQL: TypeORM has no advisory locks.
   */
  async lockSubject(tx: EntityManager, subject: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 1))`, [subject]);
  }

  countSince(tx: EntityManager, subject: string, windowSeconds: number): Promise<number> {
    return tx
      .createQueryBuilder(CodeFailure, 'f')
      .where('f.subject = :subject AND f.failed_at > now() - make_interval(secs => :windowSeconds)', { subject, windowSeconds })
      .getCount();
  }

  /** Drops the subject's failures that have left the window. */
  async pruneBefore(tx: EntityManager, subject: string, windowSeconds: number): Promise<void> {
    await tx
      .createQueryBuilder()
      .delete()
      .from(CodeFailure)
      .where('subject = :subject AND failed_at <= now() - make_interval(secs => :windowSeconds)', { subject, windowSeconds })
      .execute();
  }

  /** Returns the new row's id. */
  async insert(tx: EntityManager, subject: string): Promise<string> {
    const result = await tx.createQueryBuilder().insert().into(CodeFailure).values({ subject }).returning(['id']).execute();
    return String((result.raw as { id: string }[])[0].id);
  }

  async delete(id: string): Promise<void> {
    await this.failures.delete({ id });
  }

  async deleteSubject(tx: EntityManager, subject: string): Promise<void> {
    await tx.delete(CodeFailure, { subject });
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

  async deleteAlert(tx: EntityManager, subject: string): Promise<void> {
    await tx.delete(CodeFailureAlert, { subject });
  }
}
