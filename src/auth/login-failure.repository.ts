import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { LoginFailure } from './login-failure.entity.js';

/** A subject's limit and window, and what it has used of it. */
export interface SubjectLimit {
  subject: string;
  max: number;
  windowSeconds: number;
}

/** The login_failures table. One query per method. */
@Injectable()
export class LoginFailureRepository {
  constructor(@InjectRepository(LoginFailure) private readonly failures: Repository<LoginFailure>) {}

  /**
   * Counts the failures of several subjects, each in its own window, and when none has reached
   * its limit records one failure for each. Answers the ids recorded (none when blocked) and,
   * when blocked, the seconds until the blocking subjects' oldest failures leave their windows.
   * One statement, the database function record_login_try (see its migration): it locks the
   * subjects first, so concurrent tries cannot overshoot, and callers pass the subjects in one
   * order everywhere, so tries that share some subjects cannot deadlock. Raw SQL: the query
   * builder does not call functions that return a table.
   */
  async recordTry(limits: SubjectLimit[]): Promise<{ ids: string[]; retryAfter: number | null }> {
    const [row] = (await this.failures.query(`SELECT ids, "retryAfter" FROM record_login_try($1::varchar[], $2::int[], $3::int[])`, [
      limits.map((l) => l.subject),
      limits.map((l) => l.max),
      limits.map((l) => l.windowSeconds),
    ])) as { ids: string[]; retryAfter: number | null }[];
    return row;
  }

  /** The given failures, and every failure of `subject`. */
  async deleteIdsAndSubject(ids: string[], subject: string): Promise<void> {
    await this.failures
      .createQueryBuilder()
      .delete()
      .where({ id: In(ids) })
      .orWhere({ subject })
      .execute();
  }

  /** Every failure of these names, and of these names at any network (`name@network`). */
  async deleteNames(tx: EntityManager, names: string[]): Promise<void> {
    await tx
      .createQueryBuilder()
      .delete()
      .from(LoginFailure)
      .where('subject IN (:...names) OR split_part(subject, :at, 1) IN (:...names)', { names, at: '@' })
      .execute();
  }

  /** Drops failures older than `seconds`. */
  async deleteOlderThan(seconds: number): Promise<void> {
    await this.failures
      .createQueryBuilder()
      .delete()
      .where('failed_at < now() - make_interval(secs => :seconds)', { seconds })
      .execute();
  }
}
