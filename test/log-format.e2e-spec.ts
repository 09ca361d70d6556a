import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, expectEnded, runMain } from './support/built-app.js';
import { freePort } from './support/net.js';
import { TEST_SECRETS } from './support/app.js';

/**
 * The log format of the real process (stdout is a pipe here, not a terminal) when the database
 * cannot be reached at start-up: Nest's own start-up messages and the database errors come out
 * in the format of every other log line, never in Nest's console format.
 */
describe('log format at start-up', () => {
  let dataDir: string;
  let unreachable: string;
  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'log-format-'));
    unreachable = `postgres://postgres@127.0.0.1:${await freePort()}/nothing`;
  }, 180_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

  it('is JSON, database errors included, when stdout is not a terminal', async () => {
    const run = await runMain({ DATABASE_URL: unreachable, DATA_DIR: dataDir, PORT: String(await freePort()) }, 60_000);
    expectEnded(run);
    expect(run.code).not.toBe(0);
    const out = lines(run.stdout);
    expect(out.length).toBeGreaterThan(0);
    const records = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ level: 50, context: 'TypeOrmModule' }));
    expect(records[0]).toMatchObject({ context: 'NestFactory', msg: 'Starting Nest application...' });
    expect(run.stderr).not.toContain('[Nest]');
    expect(run.stdout).not.toContain('[Nest]');
  }, 90_000);

  it('is human-readable with LOG_FORMAT=pretty, database errors included', async () => {
    const run = await runMain({ DATABASE_URL: unreachable, DATA_DIR: dataDir, LOG_FORMAT: 'pretty', PORT: String(await freePort()) }, 60_000);
    expect(run.code).not.toBe(0);
    const out = lines(run.stdout);
    expect(out[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[NestFactory\] Starting Nest application\.\.\.$/);
    expect(out).toContainEqual(expect.stringMatching(/ERROR: \[TypeOrmModule\] Unable to connect to the database/));
    expect(out.filter((l) => l.startsWith('{'))).toEqual([]);
    expect(run.stdout).not.toContain('[Nest]');
  }, 90_000);

  it('is JSON in production whatever LOG_FORMAT says', async () => {
    const run = await runMain(
      {
        NODE_ENV: 'production',
        LOG_FORMAT: 'pretty',
        DATABASE_URL: unreachable,
        PUBLIC_URL: 'https://reset.example.com',
        SMTP_URL: 'smtp://127.0.0.1:1',
        PORT: String(await freePort()),
        ...TEST_SECRETS,
      },
      60_000,
    );
    expect(run.code).not.toBe(0);
    const records = lines(run.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ level: 50, context: 'TypeOrmModule' }));
  }, 90_000);
});
