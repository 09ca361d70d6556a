import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '../../src/config/app-config.js';
import { parseEnv } from '../../src/config/env.js';
import { typeOrmOptions } from '../../src/database/database.module.js';
import { migrationsKey, openMigratedPGlite, runMigrations } from './migrated-database.js';
import { TEST_SECRETS } from './secrets.js';

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

/**
 * An empty database, or with `migrated` one that is a copy of a migrated template (on the
 * server, CREATE DATABASE … TEMPLATE; PGlite's is opened by startTestApp).
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const server = serverUrl();
  if (!server) return { url: 'memory://', drop: async () => {} };
  const template = options.migrated ? await migratedTemplate(server) : undefined;
  const name = `reset_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  await withAdmin(server, (c) => c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
  return {
    url: databaseUrl(server, name),
    drop: () =>
      withAdmin(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

function databaseUrl(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

let template: Promise<string> | undefined;

/**
 * The server's migrated template database for the current migrations, made by the first test
 * worker that needs it: migrated under a name of its own, then renamed, so no worker copies a
 * half-migrated one. It stays on the server for later runs (one per set of migrations).
 */
function migratedTemplate(server: string): Promise<string> {
  template ??= (async () => {
    const name = `reset_template_${migrationsKey()}`;
    const exists = async () =>
      (await withAdmin(server, (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]))).rowCount === 1;
    if (await exists()) return name;
    const building = `${name}_${randomBytes(4).toString('hex')}`;
    await withAdmin(server, (c) => c.query(`CREATE DATABASE ${building}`));
    try {
      await runMigrations(databaseUrl(server, building));
      await withAdmin(server, (c) => c.query(`ALTER DATABASE ${building} RENAME TO ${name}`));
    } catch (err) {
      await withAdmin(server, (c) => c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`));
      // Another worker renamed its copy first: use that one.
      if (!(await exists())) throw err;
    }
    return name;
  })();
  return template;
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

/**
 * A migrated database for a spec that builds its own module or DataSource: a fresh copy of the
 * migrated template on the server DATABASE_URL names, or this test file's migrated PGlite,
 * opened (drop() hands it back).
 */
export async function migratedTestDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrated: true });
  if (database.url !== 'memory://') return database;
  const release = await openMigratedPGlite();
  return { url: database.url, drop: async () => release() };
}

/**
 * A TypeORM DataSource on a migrated test database (a copy of the migrated PGlite, or a fresh
 * database on the server DATABASE_URL names) with just `entities`, for medium specs of
 * repositories and the services over them; `env` is added to the test configuration.
 */
export async function migratedDataSource(
  entities: DataSourceOptions['entities'],
  env: Record<string, string> = {},
): Promise<{ db: DataSource; config: AppConfig; close(): Promise<void> }> {
  const database = await migratedTestDatabase();
  const config = new AppConfig(
    parseEnv({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      ...TEST_SECRETS,
      ...env,
    }),
  );
  const db = new DataSource({ ...((await typeOrmOptions(config)) as DataSourceOptions), entities, migrationsRun: false });
  await db.initialize();
  return {
    db,
    config,
    close: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}
