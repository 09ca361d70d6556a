import { createPublicKey, verify } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.js';
import { createTestDatabase, serverUrl, TestDatabase } from './support/database.js';
import { HttpClient } from './support/http.js';
import { QuietTestLogger } from './support/quiet-logger.js';

/**
 * Restarting the service keeps its accounts and its generated development secrets.
 *
 * By default (no PostgreSQL server named) this runs on the embedded PGlite database that
 * `npm start` uses: DATABASE_URL unset, persisted under DATA_DIR. When DATABASE_URL names a
 * PostgreSQL server, the same suite runs against a fresh database on it, with the secrets
 * still generated into DATA_DIR. Nothing is skipped in either mode.
 */
const server = serverUrl();
const MODE = server ? 'a PostgreSQL server database' : 'embedded PGlite persisted in DATA_DIR';
const PASSWORD = 'StrongPassword123!';

interface Running {
  app: NestFastifyApplication;
  http: HttpClient;
}

describe(`persistence across restarts (${MODE})`, () => {
  let dataDir: string;
  let db: TestDatabase | undefined;
  let running: Running | undefined;
  /** An access token issued by the first run, used again by later tests. */
  let firstToken: string;

  /** Starts the app the way `npm start` does: no secrets configured, state in DATA_DIR. */
  async function start(dir = dataDir): Promise<Running> {
    const app = await createApp(
      {
        NODE_ENV: 'test',
        DATA_DIR: dir,
        // Unset (embedded PGlite under DATA_DIR), or the suite's fresh server database.
        DATABASE_URL: db?.url,
        JWT_SECRET: undefined,
        RESET_SECRET: undefined,
        BCRYPT_COST: '4',
        LOG_LEVEL: 'silent',
        METRICS_PORT: '0',
      },
      { logger: new QuietTestLogger() },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.getHttpServer().address() as { port: number };
    running = { app, http: new HttpClient(`http://127.0.0.1:${port}`) };
    return running;
  }

  async function stop(): Promise<void> {
    await running?.app.close();
    running = undefined;
  }

  const devSecrets = (dir = dataDir): Record<string, string> =>
    JSON.parse(readFileSync(join(dir, 'dev-secrets.json'), 'utf8'));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'reset-persist-'));
    db = server ? await createTestDatabase() : undefined;
  });

  afterAll(async () => {
    await stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a registered account and honours tokens issued before a restart', async () => {
    // First run: register and log in.
    let { http } = await start();
    const registered = await http.post('/auth/register', {
      username: 'persistent.user',
      email: 'persistent.user@example.com',
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
    const login = await http.post('/auth/login', { email: 'persistent.user@example.com', password: PASSWORD });
    expect(login.status).toBe(200);
    const token: string = login.body.access_token;
    firstToken = token;

    // The token is signed with the development key generated into DATA_DIR.
    const secrets = devSecrets();
    const key = JSON.parse(secrets.jwt_signing_key_EdDSA);
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', d: expect.stringMatching(/^[\w-]{43}$/) });
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString()).kid).toBe(key.kid);
    expect(verify(null, Buffer.from(`${header}.${payload}`), createPublicKey({ key, format: 'jwk' }), Buffer.from(signature, 'base64url'))).toBe(true);
    if (!server) expect(existsSync(join(dataDir, 'pgdata'))).toBe(true);

    await stop();

    // Second run on the same DATA_DIR (and database).
    ({ http } = await start());
    expect((await http.get('/health/ready')).status).toBe(200);

    const me = await http.get('/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: registered.body.id,
      username: 'persistent.user',
      emails: ['persistent.user@example.com'],
    });

    const again = await http.post('/auth/login', { username: 'Persistent.User', password: PASSWORD });
    expect(again.status).toBe(200);
    expect((await http.post('/auth/login', { username: 'persistent.user', password: 'Wrong' + PASSWORD })).status).toBe(401);
    expect((await http.post('/auth/register', { username: 'persistent.user', password: PASSWORD })).status).toBe(409);

    expect(devSecrets()).toEqual(secrets);
    await stop();
  });

  it('starts over with a different DATA_DIR: new secrets, and the old token is refused', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'reset-persist-other-'));
    try {
      const { http } = await start(otherDir);
      expect(devSecrets(otherDir).jwt_signing_key_EdDSA).not.toBe(devSecrets().jwt_signing_key_EdDSA);
      // In the server mode the account still exists: the token fails on its signature alone.
      expect((await http.get('/auth/me', { token: firstToken })).status).toBe(401);
      if (!server) {
        // The embedded database lives in DATA_DIR: a new one starts empty.
        const fresh = await http.post('/auth/register', { username: 'persistent.user', password: PASSWORD });
        expect(fresh.status).toBe(201);
      }
      await stop();
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
