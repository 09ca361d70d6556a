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

export interface SubjectCount {
  max: number;
  failures: number;
  /** Seconds until the oldest failure leaves the window (null without failures). */
  retry_after: number | null;
}

/** The login_failures table. One query per method. */
@Injectable()
export class LoginFailureRepository {
  constructor(@InjectRepository(LoginFailure) private readonly failures: Repository<LoginFailure>) {}

  /**
   * Serializes the tries of one subject until the transaction ends, across instances, so that
   * count-then-insert cannot overshoot. Raw SQL: TypeORM has no advisory locks.
   */
  async lockSubject(tx: EntityManager, subject: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 2))`, [subject]);
  }

  /**
   * The failures of several subjects, each in its own window, in one statement. Raw SQL: a
   * join against unnest() of the limits has no query-builder form, and a query per subject
   * would cost every login two more round trips inside its transaction.
   */
  count(tx: EntityManager, limits: SubjectLimit[]): Promise<SubjectCount[]> {
    return tx.query(
      `SELECT s.max, count(f.id)::int AS failures,
              ceil(extract(epoch FROM min(f.failed_at) + make_interval(secs => s.win) - now()))::int AS retry_after
         FROM unnest($1::varchar[], $2::int[], $3::int[]) AS s(subject, max, win)
         LEFT JOIN login_failures f ON f.subject = s.subject AND f.failed_at > now() - make_interval(secs => s.win)
        GROUP BY s.subject, s.max, s.win`,
      [limits.map((l) => l.subject), limits.map((l) => l.max), limits.map((l) => l.windowSeconds)],
    );
  }

  /** One failure per subject; returns their ids. */
  async insert(tx: EntityManager, subjects: string[]): Promise<string[]> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(LoginFailure)
      .values(subjects.map((subject) => ({ subject })))
      .returning(['id'])
      .execute();
    return (result.raw as { id: string }[]).map((r) => String(r.id));
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
