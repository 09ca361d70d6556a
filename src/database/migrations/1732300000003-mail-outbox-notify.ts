import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every statement that queues mail notifies channel `mail_outbox` (delivered at commit, one
 * notification per transaction), so the delivery worker of every instance wakes at once
 * instead of at its next poll. Done in the database so that the request's transaction pays
 * no extra round trip for it.
 */
export class MailOutboxNotify1732300000003 implements MigrationInterface {
  name = 'MailOutboxNotify1732300000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION mail_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('mail_outbox', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER mail_outbox_notify AFTER INSERT ON mail_outbox
        FOR EACH STATEMENT EXECUTE FUNCTION mail_outbox_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER mail_outbox_notify ON mail_outbox`);
    await q.query(`DROP FUNCTION mail_outbox_notify()`);
  }
}
