import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from './support/app.js';
import { ensureBuilt } from './support/built-app.js';
import { runCli } from './support/cli.js';
import { createTestDatabase, serverUrl, TestDatabase } from './support/database.js';

interface CreatedClient {
  client_id: string;
  client_secret: string;
  scopes: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `npm run cli -- clients:create | clients:list | clients:revoke` over the service's own
 * configuration: the PostgreSQL database DATABASE_URL names when the suite runs on the server,
 * else PGlite in DATA_DIR with the development secrets kept there. The service started on the
 * same configuration accepts the clients the CLI made (and refuses them once revoked).
 */
describe('CLI clients:create, clients:list, clients:revoke', () => {
  let dataDir: string;
  let db: TestDatabase | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'cli-clients-'));
    db = serverUrl() ? await createTestDatabase() : undefined;
    // No RESET_SECRET: in development the CLI and the service both read it from DATA_DIR.
    env = { DATA_DIR: dataDir, ...(db && { DATABASE_URL: db.url }) };
  }, 180_000);
  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The service on the CLI's configuration; closed before the next CLI run (PGlite in DATA_DIR is one process's). */
  async function withService<T>(work: (t: TestApp) => Promise<T>): Promise<T> {
    const t = await startTestApp({ ...env, DATABASE_URL: db?.url, RESET_SECRET: undefined });
    try {
      return await work(t);
    } finally {
      await t.close();
    }
  }
  const tokenFor = (t: TestApp, client: CreatedClient) =>
    t.http.post('/oauth/token', undefined, {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
    });

  let billing: CreatedClient;
  let reports: CreatedClient;

  it('clients:create --json prints exactly one JSON object {client_id, client_secret, scopes} and nothing else', async () => {
    const { code, stdout, stderr } = await runCli(['clients:create', '--name', 'billing', '--scopes', 'accounts:read,accounts:write', '--json'], env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    billing = JSON.parse(stdout);
    expect(Object.keys(billing)).toEqual(['client_id', 'client_secret', 'scopes']);
    expect(billing).toEqual({ client_id: expect.stringMatching(UUID), client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), scopes: ['accounts:read', 'accounts:write'] });
  });

  it('clients:create without --json prints the id and the secret for a person, once', async () => {
    const { code, stdout, stderr } = await runCli(['clients:create', '--name', 'reports', '--scopes', 'tokens:introspect'], env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const id = /^client_id:\s+(\S+)$/m.exec(stdout)?.[1];
    const secret = /^client_secret:\s+(\S+)$/m.exec(stdout)?.[1];
    expect(id).toMatch(UUID);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stdout).toMatch(/^scopes:\s+tokens:introspect$/m);
    reports = { client_id: id!, client_secret: secret!, scopes: ['tokens:introspect'] };
  });

  it('refuses an unknown scope, no scopes and a missing name, naming the problem, creating nothing', async () => {
    for (const args of [
      ['--name', 'x', '--scopes', 'accounts:read,accounts:delete'],
      ['--name', 'x'],
      ['--scopes', 'accounts:read'],
    ]) {
      const { code, stdout, stderr } = await runCli(['clients:create', ...args, '--json'], env);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/--(scopes|name)/);
      expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
  });

  it('clients:list shows every client with its name and scopes, never a secret', async () => {
    const { code, stdout, stderr } = await runCli(['clients:list', '--json'], env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual([
      { client_id: billing.client_id, name: 'billing', scopes: ['accounts:read', 'accounts:write'], created_at: expect.any(String), revoked_at: null },
      { client_id: reports.client_id, name: 'reports', scopes: ['tokens:introspect'], created_at: expect.any(String), revoked_at: null },
    ]);
    const plain = await runCli(['clients:list'], env);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`${billing.client_id}\tbilling\taccounts:read accounts:write\t`);
    for (const output of [stdout, plain.stdout]) {
      expect(output).not.toContain(billing.client_secret);
      expect(output).not.toContain(reports.client_secret);
    }
  });

  it('the service on the same configuration gives the clients tokens', async () => {
    await withService(async (t) => {
      const res = await tokenFor(t, billing);
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('accounts:read accounts:write');
      expect((await tokenFor(t, reports)).status).toBe(200);
    });
  });

  it('clients:revoke <client_id> revokes it: no more tokens, and clients:list says when', async () => {
    const token = await withService(async (t) => (await tokenFor(t, billing)).body.access_token as string);
    const { code, stdout, stderr } = await runCli(['clients:revoke', billing.client_id], env);
    expect({ code, stderr, stdout }).toEqual({ code: 0, stderr: '', stdout: `Revoked ${billing.client_id}\n` });
    const list = JSON.parse((await runCli(['clients:list', '--json'], env)).stdout);
    expect(list.find((c: { client_id: string }) => c.client_id === billing.client_id).revoked_at).toEqual(expect.any(String));
    expect(list.find((c: { client_id: string }) => c.client_id === reports.client_id).revoked_at).toBeNull();
    await withService(async (t) => {
      const res = await tokenFor(t, billing);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      const introspection = await t.http.post('/oauth/introspect', undefined, {
        form: { token },
        headers: { authorization: `Basic ${Buffer.from(`${reports.client_id}:${reports.client_secret}`).toString('base64')}` },
      });
      expect(introspection.body).toEqual({ active: false });
    });
  });

  it('clients:revoke refuses an unknown or already revoked client with exit code 1', async () => {
    for (const id of [billing.client_id, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const { code, stdout, stderr } = await runCli(['clients:revoke', id], env);
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toBe(`No active service client ${id}\n`);
    }
  });

  it('keys:rotate opens no database: nothing is written to DATA_DIR', async () => {
    const untouched = join(dataDir, 'never-created');
    const { code } = await runCli(['keys:rotate'], { DATA_DIR: untouched });
    expect(code).toBe(0);
    expect(existsSync(untouched)).toBe(false);
  });
});
