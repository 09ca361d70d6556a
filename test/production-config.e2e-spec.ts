import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningJwk } from '../src/config/app-config.js';
import { ensureBuilt, expectEnded, runMain } from './support/built-app.js';

const keySet = (...keys: Array<Record<string, unknown>>) => JSON.stringify({ keys });

/**
 * `node dist/main.js` with NODE_ENV=production refuses to start without its required
 * configuration, names the variable, and never falls back to PGlite or the dev mailbox.
 */
describe('production configuration (node dist/main.js)', () => {
  const VALID = {
    NODE_ENV: 'production',
    // Nothing listens on port 1: a start that got past configuration would fail to connect.
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres',
    JWT_SIGNING_KEYS: keySet(generateSigningJwk('EdDSA')),
    RESET_SECRET: 'r'.repeat(32),
    SMTP_URL: 'smtp://127.0.0.1:1',
    PUBLIC_URL: 'https://reset.example.com',
    PORT: '0',
    LOG_LEVEL: 'silent',
  };
  let dataDir: string;

  beforeAll(() => ensureBuilt(), 180_000);
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'prod-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  function expectNoDevFallback() {
    // No PGlite data directory and no generated dev secrets were written.
    expect(readdirSync(dataDir)).toEqual([]);
  }

  it('refuses to start with nothing configured, naming every missing variable', async () => {
    const result = await runMain({ NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0' });
    expectEnded(result);
    expect(result.code).not.toBe(0);
    for (const name of ['DATABASE_URL', 'JWT_SIGNING_KEYS', 'RESET_SECRET', 'SMTP_URL', 'PUBLIC_URL']) {
      expect(result.stderr).toContain(name);
    }
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // a message, not a stack trace
    expect(result.stdout).not.toMatch(/listening/i);
    expectNoDevFallback();
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: undefined }],
    ['DATABASE_URL', { DATABASE_URL: 'memory://' }],
    ['JWT_SIGNING_KEYS', { JWT_SIGNING_KEYS: undefined }],
    ['JWT_SIGNING_KEYS', { JWT_SIGNING_KEYS: 'not json' }],
    ['JWT_SIGNING_KEYS', { JWT_SIGNING_KEYS: keySet(generateSigningJwk('ES256')) }],
    ['JWT_SIGNING_KEYS', { JWT_ALG: 'RS256' }],
    ['JWT_SIGNING_KEYS', { JWT_SIGNING_KEYS: keySet((({ d: _d, ...pub }) => pub)(generateSigningJwk('EdDSA'))) }],
    ['JWT_SECRET', { JWT_ALG: 'HS256', JWT_SECRET: undefined }],
    ['JWT_SECRET', { JWT_ALG: 'HS256', JWT_SECRET: 'too-short-secret' }],
    ['RESET_SECRET', { RESET_SECRET: undefined }],
    ['RESET_SECRET', { RESET_SECRET: 'x'.repeat(31) }],
    // The values published in docker-compose.yml and deploy/kubernetes/secret.example.yaml.
    ['JWT_SECRET', { JWT_SECRET: 'local-only-jwt-secret-change-me-0123456789abcdef' }],
    ['RESET_SECRET', { RESET_SECRET: 'replace-with-at-least-32-random-bytes-for-reset-codes' }],
    ['SMTP_URL', { SMTP_URL: undefined }],
    ['PUBLIC_URL', { PUBLIC_URL: 'http://reset.example.com' }],
    ['BCRYPT_COST', { BCRYPT_COST: '9' }],
    ['REDIS_URL', { REDIS_URL: 'http://not-redis' }],
    ['RATE_LIMIT_PER_MINUTE', { RATE_LIMIT_PER_MINUTE: '-1' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'not an origin' }],
    ['TRUST_PROXY', { TRUST_PROXY: '11' }],
  ])('refuses to start when %s is wrong (%j)', async (name, change) => {
    const env = Object.fromEntries(
      Object.entries({ ...VALID, DATA_DIR: dataDir, ...change }).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    const result = await runMain(env);
    expectEnded(result);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^\\s*${name}:`, 'm'));
    // Only the wrong variable is named.
    const named = [...result.stderr.matchAll(/^\s+([A-Z_]+):/gm)].map((m) => m[1]);
    expect(named).toEqual([name]);
    expectNoDevFallback();
  });

  it('with a valid configuration but no reachable database, exits non-zero instead of using PGlite', async () => {
    const result = await runMain({ ...VALID, DATA_DIR: dataDir }, 30_000);
    expectEnded(result);
    expect(result.code).not.toBe(0);
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toMatch(/ECONNREFUSED|connect to the database/i);
    expect(output).not.toMatch(/listening/i);
    expect(existsSync(join(dataDir, 'pgdata'))).toBe(false);
    expectNoDevFallback();
  }, 40_000);
});
