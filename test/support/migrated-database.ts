import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { getPGliteInstance, PGliteDriver } from 'typeorm-pglite';
import { PGliteInstance } from 'typeorm-pglite/dist/pglite-instance.js';
import { AppConfig } from '../../src/config/app-config.js';
import { parseEnv } from '../../src/config/env.js';
import { typeOrmOptions } from '../../src/database/database.module.js';

/**
 * Test apps start from a copy of a database made and migrated once, instead of migrating a new
 * one each: a fresh in-memory PGlite costs seconds (the WebAssembly PostgreSQL runs initdb, then
 * every migration runs). The copy is named after the migrations and the PGlite and TypeORM
 * versions, so a changed migration makes a new one. Apps still run their migrations at start-up
 * and find them applied; test/persistence.e2e-spec.ts (and the replica and fault suites, which
 * create their databases with createTestDatabase()) start apps on empty databases.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MIGRATIONS_DIR = join(ROOT, 'src', 'database', 'migrations');

/** Changes whenever what a migrated database holds can change. */
export function migrationsKey(): string {
  const hash = createHash('sha256');
  for (const pkg of ['@electric-sql/pglite', 'typeorm']) hash.update(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json')));
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) hash.update(file).update(readFileSync(join(MIGRATIONS_DIR, file)));
  return hash.digest('hex').slice(0, 16);
}

/** Runs the app's migrations, with the app's own database options, on DATABASE_URL (memory:// or postgres://). */
export async function runMigrations<T>(databaseUrl: string, then: () => Promise<T> = async () => undefined as T): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reset-svc-migrate-'));
  try {
    const env = parseEnv({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, JWT_ALG: 'HS256', JWT_SECRET: randomBytes(32).toString('hex') });
    const source = new DataSource((await typeOrmOptions(new AppConfig(env))) as DataSourceOptions);
    await source.initialize();
    try {
      return await then();
    } finally {
      await source.destroy();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

let pgliteTemplate: Promise<Buffer> | undefined;

/** The files of a migrated PGlite database (dumpDataDir), kept in the system's temporary folder. */
function migratedPGliteFiles(): Promise<Buffer> {
  pgliteTemplate ??= (async () => {
    const path = join(tmpdir(), `reset-svc-pglite-${migrationsKey()}.tar`);
    if (existsSync(path)) return readFileSync(path);
    const dump = await runMigrations('memory://', async () =>
      Buffer.from(await (await (await getPGliteInstance()).dumpDataDir('none')).arrayBuffer()),
    );
    // Written aside and renamed: another test worker never reads half a file.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, dump);
    renameSync(partial, path);
    return dump;
  })();
  return pgliteTemplate;
}

interface PGliteLike {
  closed: boolean;
  query<T>(sql: string): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

interface InstanceHolder {
  instance: PGliteLike | null;
  close(): Promise<void>;
}

/**
 * The instance typeorm-pglite keeps, one per module registry (one per test file). Its close()
 * runs when an app's pool ends; for the in-memory instance opened here it leaves the instance
 * open for the file's next app (opening another from the migrated files costs about a second).
 * Any other instance (PGlite persisted in a DATA_DIR) closes as in the service. Closing the
 * instance itself (getPGliteInstance() then close(), as a suite that takes the database away
 * does) still ends it, and the next app then opens a new one.
 */
const holder = PGliteInstance as unknown as InstanceHolder;
const closeInstance = holder.close.bind(holder);
let inMemory: PGliteLike | null = null;
holder.close = async () => {
  if (!holder.instance || holder.instance !== inMemory) await closeInstance();
};

// Closed when the test file is done (see test/support/jest/quiet-environment.cjs): an open
// instance would keep its WebAssembly memory, hundreds of MB, for the rest of the worker's run.
const afterFile = ((globalThis as { __afterTestFile?: (() => Promise<void>)[] }).__afterTestFile ??= []);
afterFile.push(async () => {
  if (inMemory && !inMemory.closed) await inMemory.close().catch(() => {});
});

/** Apps of this test file using the instance right now. */
let appsOpen = 0;
/** The migrated schema as opened (see schemaOf) and its tables; a suite that changed it gets a new instance. */
let migrated: { schema: string; tables: string[] } | undefined;

/** Every relation, column, constraint and trigger of the public schema, as one string. */
const SCHEMA_OF = `
  SELECT md5(string_agg(item, ',' ORDER BY item)) AS schema FROM (
    SELECT c.relname::text || ':' || c.relkind::text AS item FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
    UNION ALL SELECT table_name::text || '.' || column_name::text || ':' || data_type::text FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT conname::text FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'
    UNION ALL SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal
  ) items`;

const schemaOf = async (db: PGliteLike) => (await db.query<{ schema: string }>(SCHEMA_OF)).rows[0].schema;

/** Empties every table but the migrations'; false when the schema is not the migrated one any more. */
async function emptied(db: PGliteLike): Promise<boolean> {
  try {
    if (!migrated || (await schemaOf(db)) !== migrated.schema) return false;
    if (migrated.tables.length) await db.exec(`TRUNCATE ${migrated.tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens this test file's in-memory PGlite from the migrated files, or empties the open one when
 * no app of the file still uses it (every table but the migrations', so each app starts as on a
 * fresh copy; a schema a suite changed is thrown away and opened again). An app started while
 * another is up shares its data. Returns what the app calls when it has closed.
 */
export async function openMigratedPGlite(): Promise<() => void> {
  let open = holder.instance && !holder.instance.closed ? holder.instance : null;
  if (open && open === inMemory && appsOpen === 0 && !(await emptied(open))) {
    await closeInstance().catch(() => {});
    open = null;
  }
  if (!open) {
    holder.instance = null;
    const files = await migratedPGliteFiles();
    new PGliteDriver({ loadDataDir: new Blob([files]) });
    const opened = (await getPGliteInstance()) as unknown as PGliteLike;
    inMemory = opened;
    migrated ??= {
      schema: await schemaOf(opened),
      tables: (await opened.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'")).rows.map((r) => r.tablename),
    };
  }
  appsOpen++;
  let released = false;
  return () => {
    if (!released) appsOpen--;
    released = true;
  };
}
