import { MigrationInterface, QueryRunner } from 'typeorm';

export class Accounts1732300000000 implements MigrationInterface {
  name = 'Accounts1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(190) NOT NULL CHECK (char_length(username) BETWEEN 1 AND 190),
        password_hash varchar(100) NOT NULL,
        token_version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))`);
    await q.query(`
      CREATE TABLE user_emails (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        email varchar(254) NOT NULL CHECK (email = lower(btrim(email))),
        is_primary boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX user_emails_email_key ON user_emails (email)`);
    await q.query(`CREATE INDEX user_emails_user_id_idx ON user_emails (user_id)`);
    await q.query(
      `CREATE UNIQUE INDEX user_emails_one_primary ON user_emails (user_id) WHERE is_primary`,
    );
    // Failed logins, counted per account and per client IP in a sliding window.
    await q.query(`
      CREATE TABLE login_failures (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        subject varchar(300) NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX login_failures_subject_idx ON login_failures (subject, failed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_failures`);
    await q.query(`DROP TABLE user_emails`);
    await q.query(`DROP TABLE users`);
  }
}
