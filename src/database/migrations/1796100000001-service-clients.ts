import { MigrationInterface, QueryRunner } from 'typeorm';

export class ServiceClients1796100000001 implements MigrationInterface {
  name = 'ServiceClients1796100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_clients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        scopes text[] NOT NULL,
        secret_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE service_clients`);
  }
}
