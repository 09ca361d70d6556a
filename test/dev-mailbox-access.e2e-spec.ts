import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from './support/app.js';
import { ensureBuilt } from './support/built-app.js';
import { HttpClient } from './support/http.js';
import { freePort, nonLoopbackAddress } from './support/net.js';
import { ServerProcess } from './support/server-process.js';

/**
 * The dev mailbox shows every reset code and link, so it answers only clients on this machine.
 * A client that is not on loopback is made by connecting to one of this machine's own other
 * addresses (nonLoopbackAddress: eth0 here): the connection's source, the server's socket peer,
 * is then that address. The server is bound to 0.0.0.0 for that (HOST), and trusts
 * X-Forwarded-For (TRUST_PROXY), so a check that took the client from the header would pass.
 */
describe('dev mailbox: loopback clients only', () => {
  const outside = nonLoopbackAddress();
  let t: TestApp;
  let remote: HttpClient;

  beforeAll(async () => {
    t = await startTestApp({ HOST: outside.family === 'IPv6' ? '::' : '0.0.0.0', TRUST_PROXY: 'true' });
    const { port } = t.app.getHttpServer().address() as { port: number };
    remote = new HttpClient(`http://${outside.host}:${port}`);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers a client on loopback', async () => {
    await t.http.post('/api/auth/forgotPassword/sendEmail', { username: 'nobody' });
    const res = await t.http.get('/dev/mailbox');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    const page = await t.http.get('/dev/mailbox', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it.each([
    ['the JSON list', '/dev/mailbox', {}],
    ['the page', '/dev/mailbox', { accept: 'text/html' }],
    ['a message frame', '/dev/mailbox/messages/1', {}],
    ['the JSON list, claiming loopback in X-Forwarded-For', '/dev/mailbox', { 'x-forwarded-for': '127.0.0.1' }],
  ])('refuses %s to a client that is not on loopback (403 forbidden)', async (_name, path, headers) => {
    const res = await remote.get(path, { headers });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ statusCode: 403, error_code: 'forbidden', message: expect.any(String) });
  });

  it('refuses a request relayed by a proxy on this machine (loopback peer, X-Forwarded-For set)', async () => {
    const res = await t.http.get('/dev/mailbox', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error_code: 'forbidden' });
  });

  it('leaves the rest of the service reachable from that client', async () => {
    expect((await remote.get('/health/live')).status).toBe(200);
  });

  it('is not mounted when SMTP_URL is set (404)', async () => {
    const smtp = await startTestApp({ SMTP_URL: 'smtp://127.0.0.1:1' });
    try {
      for (const path of ['/dev/mailbox', '/dev/mailbox/messages/1']) {
        expect((await smtp.http.get(path)).status).toBe(404);
        expect((await smtp.http.get(path, { headers: { accept: 'text/html' } })).status).toBe(404);
      }
      const doc = (await smtp.http.get('/docs-json')).body;
      expect(Object.keys(doc.paths)).not.toContain('/dev/mailbox');
    } finally {
      await smtp.close();
    }
  });
});

/**
 * `node dist/main.js` with the defaults: it listens on loopback only (HOST), so the mailbox is not
 * even reachable from another address, and it says at start-up that the dev mailbox is on.
 * Production (404, no listener change needed) is covered by test/prod-smoke.mjs.
 */
describe('dev mailbox: the development defaults (node dist/main.js)', () => {
  const outside = nonLoopbackAddress();
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeAll(() => ensureBuilt(), 180_000);
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dev-mailbox-'));
  });
  afterEach(async () => {
    if (server) {
      server.signal('SIGTERM');
      await server.exited;
    }
    server = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>): Promise<ServerProcess> {
    const s = new ServerProcess({ DATABASE_URL: 'memory://', DATA_DIR: dataDir, BCRYPT_COST: '4', ...env }, await freePort());
    server = s;
    await s.waitUntilUp();
    // The port was free a moment before the process took it; make sure it is this process that
    // answers there (it says so once it listens), not another one that took the port meanwhile.
    for (let tries = 0; !s.records().some((r) => /listening on/.test(r.msg)); tries++) {
      if (tries > 100 || s.stderr.includes('EADDRINUSE')) throw new Error(`the server did not listen:\n${s.stdout}\n${s.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return s;
  }

  const mailboxWarnings = (s: ServerProcess) => s.records().filter((r) => r.level === 40 && /dev mailbox/i.test(r.msg));

  it('binds 127.0.0.1 by default and logs one warning that the dev mailbox is on', async () => {
    const s = await start({ LOG_LEVEL: 'info' });
    expect((await fetch(`${s.url}/dev/mailbox`)).status).toBe(200);
    await expect(fetch(`http://${outside.host}:${s.port}/health/live`)).rejects.toThrow();
    expect(mailboxWarnings(s)).toHaveLength(1);
    expect(s.records().find((r) => /listening on/.test(r.msg))?.msg).toContain(`127.0.0.1:${s.port}`);
  });

  it('with HOST=0.0.0.0 serves other addresses, but not the mailbox', async () => {
    const s = await start({ LOG_LEVEL: 'info', HOST: '0.0.0.0' });
    const remote = new HttpClient(`http://${outside.host}:${s.port}`);
    expect((await remote.get('/health/live')).status).toBe(200);
    expect((await remote.get('/dev/mailbox')).status).toBe(403);
    expect((await fetch(`${s.url}/dev/mailbox`)).status).toBe(200);
  });

  it('logs no warning when SMTP_URL is set', async () => {
    const s = await start({ LOG_LEVEL: 'info', SMTP_URL: 'smtp://127.0.0.1:1' });
    expect((await fetch(`${s.url}/dev/mailbox`)).status).toBe(404);
    expect(mailboxWarnings(s)).toHaveLength(0);
  });
});
