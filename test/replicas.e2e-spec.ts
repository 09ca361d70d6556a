/**
 * Two replicas (`node dist/main.js` on two ports) sharing one fresh PostgreSQL database, and
 * Redis when REDIS_URL is set, racing each other. PostgreSQL only: the default `npm test` does
 * not collect this file (testPathIgnorePatterns); `npm run test:replicas` runs it.
 */
import pg from 'pg';
import type { TestApp } from './support/app.js';
import { createAccount, NEW_PASSWORD, TestAccount } from './support/accounts.js';
import { ensureBuilt } from './support/built-app.js';
import { createTestDatabase, serverUrl, TestDatabase } from './support/database.js';
import { HttpResponse } from './support/http.js';
import { startServiceProcess, ServiceProcess } from './support/service-process.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const SEND = '/api/auth/forgotPassword/sendEmail';
const CHECK = '/api/auth/forgotPassword/checkCode';
const RESET_WITH_CODE = '/api/auth/forgotPassword/resetPassword';
const RESET_WITH_TOKEN = '/api/auth/password/reset';

describe('two replicas on one database', () => {
  let db: TestDatabase;
  let smtp: TestSmtpServer;
  let replicas: ServiceProcess[] = [];
  let sql: pg.Client;

  /** The i-th request goes to replica i mod 2. */
  const replica = (i: number) => replicas[i % replicas.length];

  beforeAll(async () => {
    if (!serverUrl()) throw new Error('the replica suite needs DATABASE_URL=postgres://… (run it with npm run test:replicas)');
    ensureBuilt();
    db = await createTestDatabase();
    smtp = await startSmtp();
    const env = {
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      MAIL_POLL_INTERVAL_MS: '200',
      MAIL_RETRY_BASE_MS: '200',
      MAIL_RETRY_MAX_MS: '2000',
      MAIL_MAX_ATTEMPTS: '50',
      RESET_SEND_LIMIT: '1000',
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    };
    // One after the other: the first runs the migrations.
    replicas.push(await startServiceProcess(env));
    replicas.push(await startServiceProcess(env));
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await Promise.all(replicas.map((r) => r.stop()));
    replicas = [];
    await smtp?.stop();
    await db?.drop();
  }, 60_000);

  /** Accounts registered through alternating replicas. */
  async function accounts(n: number): Promise<TestAccount[]> {
    return Promise.all(Array.from({ length: n }, (_, i) => createAccount({ http: replica(i).http } as TestApp)));
  }

  /** Requests a reset for each account (through alternating replicas) and reads code and token from the emails. */
  async function requestResets(list: TestAccount[]) {
    const responses = await Promise.all(list.map((a, i) => replica(i).http.post(SEND, { username: a.username })));
    expect(responses.map((r) => r.status)).toEqual(list.map(() => 200));
    return Promise.all(
      list.map(async (a) => secretsFrom((await smtp.waitFor(smtp.to(a.email), 1, 30_000))[0])),
    );
  }

  const tally = (responses: HttpResponse[], key: (r: HttpResponse) => string) =>
    responses.reduce<Record<string, number>>((acc, r) => ({ ...acc, [key(r)]: (acc[key(r)] ?? 0) + 1 }), {});

  it('confirms each of 20 link tokens exactly once when each is sent 50 times at once to both replicas', async () => {
    const list = await accounts(20);
    const secrets = await requestResets(list);
    const attempts = secrets.flatMap(({ token }, t) =>
      Array.from({ length: 50 }, (_, k) => ({ t, token, to: replica(t + k) })),
    );
    const responses = await Promise.all(
      attempts.map(({ token, to }) =>
        to.http.post(`${RESET_WITH_TOKEN}?token=${encodeURIComponent(token)}`, { password: NEW_PASSWORD }),
      ),
    );

    const outcome = (r: HttpResponse) => (r.status === 200 ? '200' : `${r.status} ${r.body?.code}`);
    expect(tally(responses, outcome)).toEqual({ '200': 20, '401 PASSWORD_RESET_TOKEN_INVALID': 980 });
    // One success per token, not twenty on one token.
    const winners = new Set(attempts.filter((_, i) => responses[i].status === 200).map((a) => a.t));
    expect(winners.size).toBe(20);
    const { rows } = await sql.query(
      `SELECT count(*)::int AS used FROM reset_requests r JOIN users u ON u.id = r.user_id
        WHERE u.username = ANY($1) AND r.used_at IS NOT NULL`,
      [list.map((a) => a.username)],
    );
    expect(rows[0].used).toBe(20);
    // The new password works on either replica.
    const logins = await Promise.all(list.map((a, i) => replica(i).http.post('/auth/login', { username: a.username, password: NEW_PASSWORD })));
    expect(logins.map((r) => r.status)).toEqual(list.map(() => 200));
  }, 120_000);

  it('counts exactly 12 of 100 concurrent wrong codes over both replicas, then refuses everything', async () => {
    const [account] = await accounts(1);
    const [{ code }] = await requestResets([account]);
    const wrong = (k: number) => {
      let c = String((Number(code) + 1 + k) % 1_000_000).padStart(6, '0');
      if (c === code) c = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
      return c;
    };
    // Half through checkCode, half through resetPassword: both count toward the same 12.
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, k) =>
        k % 4 < 2
          ? replica(k).http.post(CHECK, { username: account.username, code: wrong(k) })
          : replica(k).http.post(RESET_WITH_CODE, { username: account.username, code: wrong(k), new_password: NEW_PASSWORD }),
      ),
    );
    expect(tally(responses, (r) => `${r.status} ${r.body?.error_code}`)).toEqual({
      '400 code_incorrect': 12,
      '400 rate_limit_exceeded': 88,
    });
    const { rows } = await sql.query(
      `SELECT r.attempts, r.used_at FROM reset_requests r JOIN users u ON u.id = r.user_id WHERE u.username = $1`,
      [account.username],
    );
    expect(rows).toEqual([{ attempts: 12, used_at: null }]);

    for (const [i, r] of [
      await replica(0).http.post(CHECK, { username: account.username, code: wrong(200) }),
      await replica(1).http.post(CHECK, { username: account.username, code: wrong(201) }),
      await replica(0).http.post(CHECK, { username: account.username, code }),
      await replica(1).http.post(CHECK, { username: account.username, code }),
      await replica(0).http.post(RESET_WITH_CODE, { username: account.username, code, new_password: NEW_PASSWORD }),
      await replica(1).http.post(RESET_WITH_CODE, { username: account.username, code, new_password: NEW_PASSWORD }),
    ].entries()) {
      expect([i, r.status, r.body]).toEqual([i, 400, { msg: 'Rate limit exceeded', error_code: 'rate_limit_exceeded' }]);
    }
    const after = await sql.query(
      `SELECT r.attempts, r.used_at FROM reset_requests r JOIN users u ON u.id = r.user_id WHERE u.username = $1`,
      [account.username],
    );
    expect(after.rows).toEqual([{ attempts: 12, used_at: null }]);
    // The old password still works: nothing was reset.
    expect((await replica(1).http.post('/auth/login', { username: account.username, password: account.password })).status).toBe(200);
  }, 120_000);

  it('delivers each of 30 emails queued while SMTP was down exactly once when it comes back', async () => {
    const list = await accounts(30);
    const port = smtp.port;
    await smtp.stop();
    const responses = await Promise.all(list.map((a, i) => replica(i).http.post(SEND, { username: a.username })));
    expect(responses.map((r) => r.status)).toEqual(list.map(() => 200));
    // Let both workers fail a few times against the closed port.
    await new Promise((r) => setTimeout(r, 1500));
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n, max(attempts)::int AS attempts FROM mail_outbox WHERE recipient = ANY($1) AND status <> 'sent'`,
      [list.map((a) => a.email)],
    );
    expect(rows[0].n).toBe(30);
    expect(rows[0].attempts).toBeGreaterThan(1);

    await smtp.start(port);
    const started = Date.now();
    const mine = (m: { to: string[] }) => list.some((a) => m.to.includes(a.email));
    await smtp.waitFor(mine, 30, 60_000);
    const elapsed = Date.now() - started;
    // Give a duplicate every chance to show up: several poll intervals of both workers.
    await new Promise((r) => setTimeout(r, 2000));
    const delivered = smtp.messages.filter(mine);
    expect(delivered).toHaveLength(30);
    for (const a of list) expect(delivered.filter(smtp.to(a.email))).toHaveLength(1);
    expect(new Set(delivered.map((m) => secretsFrom(m).token)).size).toBe(30);
    expect(elapsed).toBeLessThan(60_000);
    const sent = await sql.query(
      `SELECT status, count(*)::int AS n FROM mail_outbox WHERE recipient = ANY($1) GROUP BY status`,
      [list.map((a) => a.email)],
    );
    expect(sent.rows).toEqual([{ status: 'sent', n: 30 }]);
  }, 120_000);
});
