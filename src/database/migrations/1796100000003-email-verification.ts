import { MigrationInterface, QueryRunner } from 'typeorm';

/** Verified addresses: when each address was confirmed, and the secrets that confirm one. */
export class EmailVerification1796100000003 implements MigrationInterface {
  name = 'EmailVerification1796100000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE user_emails ADD COLUMN verified_at timestamptz`);
    await q.query(`
      CREATE TABLE email_verifications (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL CONSTRAINT email_verifications_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        email varchar(254) NOT NULL,
        code_hash bytea NOT NULL,
        token_hash bytea NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        locale varchar(10) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        superseded_at timestamptz
      )`);
    await q.query(`CREATE INDEX email_verifications_email_idx ON email_verifications (email, created_at)`);
    await q.query(`CREATE INDEX email_verifications_user_idx ON email_verifications (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_verifications`);
    await q.query(`ALTER TABLE user_emails DROP COLUMN verified_at`);
  }
}
