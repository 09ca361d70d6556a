import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { lockKeys } from '../database/advisory-locks.js';
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
   * Serializes the tries of these subjects until the transaction ends, across instances, so
   * that count-then-insert cannot overshoot (lockKeys: callers pass the subjects in one order
   * everywhere).
   */
  async lockSubjects(tx: EntityManager, subjects: string[]): Promise<void> {
    await lockKeys(tx, 2, subjects);
  }

  /**
   * Counts the failures of several subjects, each in its own window, and when none has reached
   * its limit records one failure for each, in one statement. Answers the ids recorded (none
   * when blocked) and, when blocked, the seconds until the blocking subjects' oldest failures
   * leave their windows. Raw SQL: the query builder cannot join against unnest() of the limits
   * or put an INSERT in the WITH clause of a SELECT. Run it after lockSubjects(), in its own
   * statement: a statement's snapshot is taken when it starts, so only a statement that starts
   * once the locks are held sees the failures of the transaction that held them.
   */
  async countAndRecord(tx: EntityManager, limits: SubjectLimit[]): Promise<{ ids: string[]; retryAfter: number | null }> {
    const [row] = (await tx.query(
      `WITH limits AS (
         SELECT * FROM unnest($1::varchar[], $2::int[], $3::int[]) AS s(subject, max, win)
       ), counts AS (
         SELECT s.max, count(f.id)::int AS failures,
                ceil(extract(epoch FROM min(f.failed_at) + make_interval(secs => s.win) - now()))::int AS retry_after
           FROM limits s
           LEFT JOIN login_failures f ON f.subject = s.subject AND f.failed_at > now() - make_interval(secs => s.win)
          GROUP BY s.subject, s.max, s.win
       ), recorded AS (
         INSERT INTO login_failures (subject)
         SELECT subject FROM limits WHERE NOT EXISTS (SELECT 1 FROM counts WHERE failures >= max)
         RETURNING id
       )
       SELECT (SELECT coalesce(array_agg(id::text), '{}') FROM recorded) AS ids,
              (SELECT max(greatest(1, coalesce(retry_after, 1))) FROM counts WHERE failures >= max) AS "retryAfter"`,
      [limits.map((l) => l.subject), limits.map((l) => l.max), limits.map((l) => l.windowSeconds)],
    )) as { ids: string[]; retryAfter: number | null }[];
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
