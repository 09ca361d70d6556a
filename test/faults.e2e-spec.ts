/**
 * Faults, against the built service (`node dist/main.js`) on a fresh PostgreSQL database:
 * the database goes away and comes back while requests keep arriving, and the SMTP server
 * answers with temporary and permanent failures. PostgreSQL only: the default `npm test` does
 * not collect this file (testPathIgnorePatterns); `npm run test:faults` runs it.
 *
 * The PostgreSQL server itself is never stopped (other suites may be using it): the database
 * "goes away" by refusing new connections (ALTER DATABASE … ALLOW_CONNECTIONS false) and having
 * every backend connected to it terminated, repeatedly, for the length of the outage.
 */
import pg from 'pg';
import type { TestApp } from './support/app.js';
import { createAccount, TestAccount } from './support/accounts.js';
import { ensureBuilt } from './support/built-app.js';
import { createTestDatabase, serverUrl, TestDatabase } from './support/database.js';
import { HttpResponse } from './support/http.js';
import { startServiceProcess, ServiceProcess } from './support/service-process.js';
import { secretsFrom, TestSmtpServer } from './support/smtp.js';

const SEND = '/api/auth/forgotPassword/sendEmail';
const CHECK = '/api/auth/forgotPassword/checkCode';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Words that would give away internals in an error body. */
const INTERNALS = /postgres|pg_|sqlstate|econn|terminat|connection|typeorm|query|stack|\.(ts|js):\d+|\bat \S+ \(/i;

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The value of one Prometheus sample, 0 when absent. */
async function metric(service: ServiceProcess, name: string, labels: string): Promise<number> {
  const text = (await service.metrics.get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('faults', () => {
  beforeAll(() => {
    if (!serverUrl()) throw new Error('the fault suite needs DATABASE_URL=postgres://… (run it with npm run test:faults)');
    ensureBuilt();
  });

  describe('the database goes away mid-run and comes back', () => {
    let db: TestDatabase;
    let name: string;
    let smtp: TestSmtpServer;
    let service: ServiceProcess;

    beforeAll(async () => {
      db = await createTestDatabase();
      name = new URL(db.url).pathname.slice(1);
      smtp = await new TestSmtpServer().start();
      service = await startServiceProcess({
        DATABASE_URL: db.url,
        SMTP_URL: smtp.url,
        MAIL_POLL_INTERVAL_MS: '200',
        MAIL_RETRY_BASE_MS: '200',
        MAIL_RETRY_MAX_MS: '1000',
        MAIL_MAX_ATTEMPTS: '100',
        RESET_SEND_LIMIT: '1000',
      });
    }, 60_000);

    afterAll(async () => {
      await withClient(serverUrl()!, (c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)).catch(() => {});
      await service?.stop();
      await smtp?.stop();
      await db?.drop();
    }, 60_000);

    const admin = (sql: string, params: unknown[] = []) => withClient(serverUrl()!, (c) => c.query(sql, params));
    const terminateBackends = () =>
      admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);

    it('answers 503 with an error code and no internals, turns unready, recovers without a restart, and loses nothing', async () => {
      const accounts: TestAccount[] = [];
      for (let i = 0; i < 6; i++) accounts.push(await createAccount({ http: service.http } as TestApp));
      const accepted = new Map<string, number>(accounts.map((a) => [a.username, 0]));
      const port = smtp.port;
      // SMTP down too: every accepted email has to wait in the outbox through the outage.
      await smtp.stop();

      // Load from four clients for the whole run: reset requests (username-code shape), wrong codes
      // and logins (the service's default shape).
      let phase: 'before' | 'outage' | 'after' = 'before';
      const seen: { phase: string; kind: string; status: number }[] = [];
      const problems: string[] = [];
      let running = true;
      const client = async (w: number) => {
        for (let k = 0; running; k++) {
          const a = accounts[(w + k) % accounts.length];
          const kind = ['send', 'check', 'login'][k % 3];
          const at = phase;
          let res: HttpResponse;
          try {
            res = await Promise.race([
              kind === 'send'
                ? service.http.post(SEND, { username: a.username })
                : kind === 'check'
                  ? service.http.post(CHECK, { username: a.username, code: '000000' })
                  : service.http.post('/auth/login', { username: a.username, password: a.password }),
              sleep(15_000).then(() => {
                throw new Error('no answer within 15 s');
              }),
            ]);
          } catch (err) {
            problems.push(`${at} ${kind}: ${(err as Error).message}`);
            continue;
          }
          seen.push({ phase: at, kind, status: res.status });
          if (kind === 'send' && res.status === 200) accepted.set(a.username, accepted.get(a.username)! + 1);
          if (res.status === 503) {
            const expected =
              kind === 'login'
                ? { statusCode: 503, error_code: 'service_unavailable', message: expect.any(String) }
                : { msg: expect.any(String), error_code: 'service_unavailable' };
            if (!matches(res.body, expected)) problems.push(`${at} ${kind}: 503 with ${res.text}`);
            if (INTERNALS.test(res.text)) problems.push(`${at} ${kind}: internals in ${res.text}`);
            if (!res.headers.get('retry-after')) problems.push(`${at} ${kind}: 503 without Retry-After`);
          } else if (![200, 400].includes(res.status)) {
            problems.push(`${at} ${kind}: ${res.status} ${res.text}`);
          }
        }
      };
      const clients = Promise.all([0, 1, 2, 3].map(client));

      await sleep(1500);
      phase = 'outage';
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      const outageEnds = Date.now() + 4000;
      let readyDuringOutage: HttpResponse | undefined;
      while (Date.now() < outageEnds) {
        await terminateBackends();
        const ready = await service.http.get('/health/ready');
        if (ready.status !== 200) readyDuringOutage ??= ready;
        await sleep(200);
      }
      const readyAtEnd = await service.http.get('/health/ready');
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      phase = 'after';

      // Readiness comes back by itself, and so do the requests.
      const recoveredBy = Date.now() + 30_000;
      while ((await service.http.get('/health/ready')).status !== 200) {
        if (Date.now() > recoveredBy) throw new Error('/health/ready did not recover within 30 s');
        await sleep(100);
      }
      await sleep(1500);
      running = false;
      await clients;

      if (problems.length) {
        const log = service.output().split('\n').filter((l) => l.includes('"level":50') && !l.includes('failed with status code'));
        problems.push(`service errors:\n${log.slice(-5).join('\n')}`);
      }
      expect(problems).toEqual([]);
      expect(readyAtEnd.status).toBe(503);
      expect(readyDuringOutage?.status).toBe(503);
      expect(readyDuringOutage?.text).not.toMatch(INTERNALS);
      const count = (phase: string, status: number) => seen.filter((s) => s.phase === phase && s.status === status).length;
      expect(count('outage', 503)).toBeGreaterThan(10);
      expect(count('after', 200)).toBeGreaterThan(3);
      expect(seen.filter((s) => s.phase === 'after').slice(-8).every((s) => s.status !== 503)).toBe(true);
      expect(service.child.exitCode).toBeNull(); // the same process throughout

      // Nothing accepted was lost: every accepted request is in the database with its email,
      // and every one of those emails is delivered once SMTP is back.
      const totalAccepted = [...accepted.values()].reduce((a, b) => a + b, 0);
      expect(totalAccepted).toBeGreaterThan(3);
      const rows = await withClient(db.url, (c) =>
        c.query(
          `SELECT u.username, count(DISTINCT r.id)::int AS requests,
                  (SELECT count(*)::int FROM mail_outbox m WHERE m.recipient = e.email AND m.template = 'reset-code') AS mails
             FROM users u JOIN user_emails e ON e.user_id = u.id LEFT JOIN reset_requests r ON r.user_id = u.id
            GROUP BY u.username, e.email`,
        ),
      );
      for (const row of rows.rows) {
        // A request whose COMMIT raced the terminated connection may exist without a 200: ≥, not =.
        expect([row.username, row.requests >= accepted.get(row.username)!]).toEqual([row.username, true]);
        expect([row.username, row.mails]).toEqual([row.username, row.requests]);
      }
      await smtp.start(port);
      const queued = rows.rows.reduce((n, r) => n + r.mails, 0);
      // The worker waits out the outage to record each failed attempt, so no message stays
      // leased (minutes) after the database is back: all are delivered promptly.
      await smtp.waitFor(() => true, queued, 45_000);
      for (const a of accounts) {
        const row = rows.rows.find((r) => r.username === a.username)!;
        expect([a.username, smtp.messages.filter(smtp.to(a.email)).length]).toEqual([a.username, row.mails]);
      }
      // A new request after the outage goes all the way through.
      const a = accounts[0];
      expect((await service.http.post(SEND, { username: a.username })).status).toBe(200);
      const mails = await smtp.waitFor(smtp.to(a.email), smtp.messages.filter(smtp.to(a.email)).length + 1, 30_000);
      const { code } = secretsFrom(mails[mails.length - 1]);
      expect((await service.http.post(CHECK, { username: a.username, code })).body).toEqual({ msg: 'Code correct', success_code: 'code_correct' });
    }, 200_000);
  });

  describe('SMTP failures', () => {
    let db: TestDatabase;
    let smtp: TestSmtpServer;
    let service: ServiceProcess;
    const RETRY_BASE_MS = 300;

    beforeAll(async () => {
      db = await createTestDatabase();
      smtp = await new TestSmtpServer().start();
      service = await startServiceProcess({
        DATABASE_URL: db.url,
        SMTP_URL: smtp.url,
        MAIL_POLL_INTERVAL_MS: '50',
        MAIL_RETRY_BASE_MS: String(RETRY_BASE_MS),
        MAIL_RETRY_MAX_MS: '60000',
        MAIL_MAX_ATTEMPTS: '4',
      });
    }, 60_000);

    afterAll(async () => {
      await service?.stop();
      await smtp?.stop();
      await db?.drop();
    }, 60_000);

    /** Polls the outbox row of `recipient`: status, attempts, and how long until its next attempt. */
    async function watchOutbox(recipient: string, until: (row: { status: string; attempts: number }) => boolean, timeoutMs = 20_000) {
      const waits = new Map<number, number>();
      const deadline = Date.now() + timeoutMs;
      return withClient(db.url, async (c) => {
        for (;;) {
          const { rows } = await c.query(
            `SELECT status, attempts, last_error, extract(epoch FROM next_attempt_at - now()) * 1000 AS wait_ms
               FROM mail_outbox WHERE recipient = $1`,
            [recipient],
          );
          const row = rows[0];
          if (row?.status === 'pending' && row.attempts > 0) waits.set(row.attempts, Math.max(waits.get(row.attempts) ?? 0, row.wait_ms));
          if (row && until(row)) return { row, waits };
          if (Date.now() > deadline) throw new Error(`outbox row for ${recipient}: ${JSON.stringify(row)}`);
          await sleep(10);
        }
      });
    }

    it('retries a temporary (4xx) failure with exponential backoff and then delivers once', async () => {
      const a = await createAccount({ http: service.http } as TestApp);
      const retriesBefore = await metric(service, 'mail_delivery_failures_total', 'outcome="retry"');
      smtp.rejectWith = 451;
      expect((await service.http.post(SEND, { username: a.username })).status).toBe(200);
      const { row, waits } = await watchOutbox(a.email, (r) => r.attempts >= 2 && r.status === 'pending');
      smtp.rejectWith = undefined;
      expect(row.last_error).toMatch(/451/);
      // The first retry waits the base delay, the second twice that.
      expect(waits.get(1)).toBeGreaterThan(RETRY_BASE_MS * 0.6);
      expect(waits.get(1)).toBeLessThanOrEqual(RETRY_BASE_MS + 50);
      expect(waits.get(2)).toBeGreaterThan(RETRY_BASE_MS * 2 * 0.6);
      expect(waits.get(2)).toBeLessThanOrEqual(RETRY_BASE_MS * 2 + 50);

      const done = await watchOutbox(a.email, (r) => r.status === 'sent');
      expect(done.row.attempts).toBe(3);
      await smtp.waitFor(smtp.to(a.email));
      await sleep(500);
      expect(smtp.messages.filter(smtp.to(a.email))).toHaveLength(1);
      expect(await metric(service, 'mail_delivery_failures_total', 'outcome="retry"')).toBe(retriesBefore + 2);
    }, 60_000);

    it('marks a message failed after MAIL_MAX_ATTEMPTS permanent (5xx) failures, visible in /metrics', async () => {
      const a = await createAccount({ http: service.http } as TestApp);
      const failedBefore = await metric(service, 'mail_delivery_failures_total', 'outcome="failed"');
      const retriesBefore = await metric(service, 'mail_delivery_failures_total', 'outcome="retry"');
      smtp.rejectWith = 550;
      try {
        expect((await service.http.post(SEND, { username: a.username })).status).toBe(200);
        const { row } = await watchOutbox(a.email, (r) => r.status === 'failed');
        expect(row.attempts).toBe(4);
        expect(row.last_error).toMatch(/550/);
        // Given up means given up: no further attempt.
        await sleep(RETRY_BASE_MS * 8);
        const again = await watchOutbox(a.email, () => true);
        expect(again.row).toMatchObject({ status: 'failed', attempts: 4 });
      } finally {
        smtp.rejectWith = undefined;
      }
      expect(smtp.messages.filter(smtp.to(a.email))).toHaveLength(0);
      expect(await metric(service, 'mail_delivery_failures_total', 'outcome="failed"')).toBe(failedBefore + 1);
      expect(await metric(service, 'mail_delivery_failures_total', 'outcome="retry"')).toBe(retriesBefore + 3);
    }, 60_000);
  });
});

/** Jest's asymmetric equality outside an expect(): true when `actual` equals `expected`. */
function matches(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}
