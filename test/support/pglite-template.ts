import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { getPGliteInstance, PGliteDriver } from 'typeorm-pglite';
import { AppConfig } from '../../src/config/app-config.js';
import { parseEnv } from '../../src/config/env.js';
import { typeOrmOptions } from '../../src/database/database.module.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MIGRATIONS_DIR = join(ROOT, 'src', 'database', 'migrations');

/**
 * A fresh in-memory PGlite costs seconds: the WebAssembly PostgreSQL runs initdb, then the app
 * runs every migration. Test apps instead start from a copy of a database that was made and
 * migrated once (PGlite's dumpDataDir / loadDataDir), kept in the system's temporary folder
 * under a name that changes with the migrations and with the PGlite and TypeORM versions.
 * The app still runs its migrations at start-up; they find everything applied.
 */
function templatePath(): string {
  const hash = createHash('sha256');
  for (const pkg of ['@electric-sql/pglite', 'typeorm']) hash.update(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json')));
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) hash.update(file).update(readFileSync(join(MIGRATIONS_DIR, file)));
  return join(tmpdir(), `reset-svc-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

let template: Promise<Buffer> | undefined;

/** The migrated database's files, made on first use (by whichever test worker needs it first). */
export function migratedTemplate(): Promise<Buffer> {
  template ??= (async () => {
    const path = templatePath();
    if (existsSync(path)) return readFileSync(path);
    const dump = await migrateFreshDatabase();
    // Written aside and renamed: a worker reading it never sees half a file.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, dump);
    renameSync(partial, path);
    return dump;
  })();
  return template;
}

/** Runs the app's migrations with the app's database options on a new in-memory PGlite. */
async function migrateFreshDatabase(): Promise<Buffer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reset-svc-template-'));
  try {
    const config = new AppConfig(parseEnv({ NODE_ENV: 'test', DATABASE_URL: 'memory://', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(32), JWT_ALG: 'HS256' }));
    const source = new DataSource((await typeOrmOptions(config)) as DataSourceOptions);
    await source.initialize();
    try {
      const dump = await (await getPGliteInstance()).dumpDataDir('none');
      return Buffer.from(await dump.arrayBuffer());
    } finally {
      await source.destroy();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Opens this test file's in-memory PGlite (typeorm-pglite keeps one instance per module
 * registry, which the app then uses) from the migrated template. An instance that is already
 * open, shared with another app of the same file, is left as it is.
 */
export async function openFromTemplate(): Promise<void> {
  const dump = await migratedTemplate();
  new PGliteDriver({ loadDataDir: new Blob([dump]) });
  await getPGliteInstance();
}
