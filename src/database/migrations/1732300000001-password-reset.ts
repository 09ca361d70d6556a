import { MigrationInterface, QueryRunner } from 'typeorm';

export class PasswordReset1732300000001 implements MigrationInterface {
  name = 'PasswordReset1732300000001';

  async up(q: QueryRunner): Promise<void> {
    // user_id survives the account's deletion as NULL, so a later confirmation can say
    // "user not found" rather than "invalid token".
    await q.query(`
      CREATE TABLE reset_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        code_hash bytea NOT NULL,
        token_hash bytea NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        locale varchar(10) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        superseded_at timestamptz
      )`);
    await q.query(`CREATE INDEX reset_requests_user_idx ON reset_requests (user_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE send_throttle_hits (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        subject varchar(300) NOT NULL,
        hit_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX send_throttle_hits_subject_idx ON send_throttle_hits (subject, hit_at)`);
    // The outbox keeps a message's parameters encrypted until it is delivered, then drops them.
    await q.query(`
      CREATE TABLE mail_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        recipient varchar(254) NOT NULL,
        template varchar(50) NOT NULL,
        locale varchar(10) NOT NULL,
        payload bytea,
        status varchar(10) NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status IN ('pending', 'sending')`,
    );
    // Development only: what the dev transport "sent" (SMTP_URL unset).
    await q.query(`
      CREATE TABLE dev_mailbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        recipient varchar(254) NOT NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dev_mailbox`);
    await q.query(`DROP TABLE mail_outbox`);
    await q.query(`DROP TABLE send_throttle_hits`);
    await q.query(`DROP TABLE reset_requests`);
  }
}
