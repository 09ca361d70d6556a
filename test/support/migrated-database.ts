import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { getPGliteInstance, PGliteDriver } from 'typeorm-pglite';
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

/**
 * Opens this test file's in-memory PGlite from the migrated files. typeorm-pglite keeps one
 * instance per module registry (one per test file), and the app then uses it; an instance that
 * is already open, shared with another app of the same file, is left as it is.
 */
export async function openMigratedPGlite(): Promise<void> {
  const files = await migratedPGliteFiles();
  new PGliteDriver({ loadDataDir: new Blob([files]) });
  await getPGliteInstance();
}
