import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The database an end-to-end suite runs on: in-memory PGlite by default, or a fresh
 * database on the PostgreSQL server named by DATABASE_URL (dropped when the suite ends).
 */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export const serverUrl = (): string | undefined =>
  process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = serverUrl();
  if (!server) return { url: 'memory://', drop: async () => {} };
  const name = `reset_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  await withAdmin(server, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

async function withAdmin<T>(server: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
