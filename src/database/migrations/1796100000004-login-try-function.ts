import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A login try counted in one statement instead of a transaction of four (BEGIN, the locks, the
 * count, COMMIT): `record_login_try` takes the subjects' advisory locks in the order given, then
 * counts each subject's failures in its window and, when none has reached its limit, records one
 * failure for each. Run as a statement of its own, the locks are held until it commits.
 *
 * It is VOLATILE (the default), and in READ COMMITTED a volatile function takes a fresh snapshot
 * for each statement it runs: the count, which starts once the locks are held, sees what their
 * previous holder committed, so concurrent tries cannot overshoot a limit. The lock keys are
 * built as lockKeys() builds them, with seed 2: the other throttle tables use 0 and 1.
 */
export class LoginTryFunction1796100000004 implements MigrationInterface {
  name = 'LoginTryFunction1796100000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION record_login_try(subjects varchar[], maxes int[], windows int[])
        RETURNS TABLE (ids text[], "retryAfter" int) LANGUAGE plpgsql AS $$
      DECLARE
        locked varchar;
      BEGIN
        FOREACH locked IN ARRAY subjects LOOP
          PERFORM pg_advisory_xact_lock(hashtextextended(locked, 2));
        END LOOP;
        RETURN QUERY
          WITH limits AS (
            SELECT * FROM unnest(subjects, maxes, windows) AS s(subject, max, win)
          ), counts AS (
            SELECT s.max, count(f.id)::int AS failures,
                   ceil(extract(epoch FROM min(f.failed_at) + make_interval(secs => s.win) - now()))::int AS retry_after
              FROM limits s
              LEFT JOIN login_failures f ON f.subject = s.subject AND f.failed_at > now() - make_interval(secs => s.win)
             GROUP BY s.subject, s.max, s.win
          ), recorded AS (
            INSERT INTO login_failures (subject)
            SELECT s.subject FROM limits s WHERE NOT EXISTS (SELECT 1 FROM counts c WHERE c.failures >= c.max)
            RETURNING login_failures.id
          )
          SELECT (SELECT coalesce(array_agg(r.id::text), '{}') FROM recorded r),
                 (SELECT max(greatest(1, coalesce(c.retry_after, 1))) FROM counts c WHERE c.failures >= c.max);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION record_login_try(varchar[], int[], int[])`);
  }
}
