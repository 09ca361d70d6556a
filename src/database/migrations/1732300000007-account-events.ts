import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountEvents1732300000007 implements MigrationInterface {
  name = 'AccountEvents1732300000007';

  async up(q: QueryRunner): Promise<void> {
    // The event outbox: one row per domain event, written with the change it describes.
    await q.query(`
      CREATE TABLE account_events (
        id uuid PRIMARY KEY,
        type varchar(50) NOT NULL,
        account_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        data jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX account_events_account_idx ON account_events (account_id, occurred_at)`);
    // One delivery state per (event, destination): NATS, and each webhook URL.
    await q.query(`
      CREATE TABLE event_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id uuid NOT NULL REFERENCES account_events (id) ON DELETE CASCADE,
        destination varchar(2100) NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        delivered_at timestamptz,
        last_error varchar(1000),
        CONSTRAINT event_deliveries_event_destination_key UNIQUE (event_id, destination)
      )`);
    await q.query(`CREATE INDEX event_deliveries_due_idx ON event_deliveries (next_attempt_at) WHERE status <> 'delivered'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_deliveries`);
    await q.query(`DROP TABLE account_events`);
  }
}
