import { MigrationInterface, QueryRunner } from 'typeorm';

/** An account the admin API disabled: it cannot log in, gets no reset email, keeps its data. */
export class DisabledAccounts1796100000002 implements MigrationInterface {
  name = 'DisabledAccounts1796100000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN disabled_at`);
  }
}
