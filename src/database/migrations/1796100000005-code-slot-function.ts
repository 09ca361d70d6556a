import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A code try's slot under the ceiling of wrong codes, taken in one statement instead of two
 * (the advisory lock, then the count), as record_login_try does for a login try (migration
 * LoginTryFunction1796100000004): `reserve_code_slot` locks the subject (key
 * hashtextextended(subject, 1), the key lockKeys() builds with seed 1), then counts its failures
 * in the window and, under the limit, drops the ones that have left it and adds one in advance.
 *
 * It runs inside the caller's transaction, which holds the lock until it ends. It is VOLATILE
 * (the default): in READ COMMITTED a volatile function takes a fresh snapshot for each
 * statement it runs, so the count, which starts once the lock is held, sees what the lock's
 * previous holder committed. The result columns are named apart from the table's columns,
 * which PL/pgSQL would otherwise take for its own variables.
 *
 * The send budgets keep their two statements: the same treatment (a function taking the locks
 * and running their count, prune and insert) cost PostgreSQL about 0.6 ms more CPU per reset
 * request than the two statements (BENCHMARKS.md).
 */
export class CodeSlotFunction1796100000005 implements MigrationInterface {
  name = 'CodeSlotFunction1796100000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION reserve_code_slot(failure_subject varchar, window_seconds int, max_failures int)
        RETURNS TABLE (failures_before int, slot_id text) LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(failure_subject, 1));
        RETURN QUERY
          WITH recent AS (
            SELECT count(*)::int AS failures FROM code_failures f
             WHERE f.subject = failure_subject AND f.failed_at > now() - make_interval(secs => window_seconds)
          ), pruned AS (
            DELETE FROM code_failures f
             WHERE f.subject = failure_subject AND f.failed_at <= now() - make_interval(secs => window_seconds)
               AND (SELECT r.failures FROM recent r) < max_failures
          ), slot AS (
            INSERT INTO code_failures (subject) SELECT failure_subject WHERE (SELECT r.failures FROM recent r) < max_failures
            RETURNING code_failures.id
          )
          SELECT (SELECT r.failures FROM recent r), (SELECT s.id FROM slot s)::text;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION reserve_code_slot(varchar, int, int)`);
  }
}
