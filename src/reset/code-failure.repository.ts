import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { CodeFailure, CodeFailureAlert } from './code-failure.entity.js';

/** code_failures and code_failure_alerts: the wrong codes of a subject in a sliding window. */
@Injectable()
export class CodeFailureRepository {
  constructor(@InjectRepository(CodeFailure) private readonly failures: Repository<CodeFailure>) {}

  /**
   * Counts the subject's failures in the window and, when there are fewer than `limit`, drops
   * the ones that have left it and adds one in advance. Returns the failures before this one and
   * the added row's id (null at the ceiling). One statement, the database function
   * reserve_code_slot (see its migration): it first takes the subject's advisory lock, held
   * until the transaction ends, so concurrent tries cannot overshoot. Raw SQL: the query builder
   * does not call functions that return a table.
   */
  async reserve(tx: EntityManager, subject: string, windowSeconds: number, limit: number): Promise<{ failures: number; id: string | null }> {
    const [row] = (await tx.query(`SELECT failures_before AS failures, slot_id AS id FROM reserve_code_slot($1, $2, $3)`, [
      subject,
      windowSeconds,
      limit,
    ])) as { failures: number; id: string | null }[];
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
