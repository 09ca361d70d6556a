// Fails when the entities and the migrations disagree: applies every migration to a fresh
// database on the PostgreSQL server DATABASE_URL names (default: the local one), then asks
// TypeORM for the schema change the entities would need (`migration:generate --check`); it
// must be empty. Runs on the build in dist/ (`npm run build` first; `npm run db:check-drift`
// does both).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const server = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
if (!server.startsWith('postgres')) {
  console.error(`DATABASE_URL must be a postgres:// URL, not ${server}`);
  process.exit(2);
}
const name = `drift_check_${Date.now()}_${randomBytes(4).toString('hex')}`;
const admin = async (sql) => {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};
const url = new URL(server);
url.pathname = `/${name}`;
// Development secrets the configuration generates go to a scratch folder, not ./data.
const dataDir = mkdtempSync(join(tmpdir(), 'drift-check-'));
const env = { ...process.env, DATABASE_URL: url.toString(), DATA_DIR: dataDir, NODE_ENV: 'development' };
const typeorm = (...args) =>
  execFileSync('npx', ['typeorm', ...args, '-d', 'dist/database/data-source.js'], { env, stdio: 'inherit' });

await admin(`CREATE DATABASE ${name}`);
let status = 0;
try {
  typeorm('migration:run');
  try {
    typeorm('migration:generate', 'dist/drift', '--check', '--dryrun');
    console.log('Entities and migrations agree.');
  } catch {
    console.error('Entities and migrations disagree: the queries above are the difference.');
    status = 1;
  }
} finally {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(status);
