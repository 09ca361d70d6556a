import { MigrationInterface, QueryRunner } from 'typeorm';

export class GuessingLimits1732300000002 implements MigrationInterface {
  name = 'GuessingLimits1732300000002';

  async up(q: QueryRunner): Promise<void> {
    // Wrong reset codes per account (or per keyed hash of an unknown identifier), across all
    // of its requests, in a long sliding window.
    await q.query(`
      CREATE TABLE code_failures (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        subject varchar(300) NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX code_failures_subject_idx ON code_failures (subject, failed_at)`);
    // When a subject last reached that ceiling (one "someone is guessing" alert per window).
    await q.query(`
      CREATE TABLE code_failure_alerts (
        subject varchar(300) PRIMARY KEY,
        alerted_at timestamptz NOT NULL DEFAULT now()
      )`);
    // With RESET_HIDE_UNKNOWN_ACCOUNTS: the stand-in request of an identifier that names no
    // account with an email address, keyed by an HMAC of the identifier (never the identifier).
    await q.query(`
      CREATE TABLE hidden_reset_requests (
        subject varchar(100) PRIMARY KEY,
        attempts integer NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hidden_reset_requests`);
    await q.query(`DROP TABLE code_failure_alerts`);
    await q.query(`DROP TABLE code_failures`);
  }
}
