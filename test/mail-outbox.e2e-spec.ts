import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount } from './support/accounts.js';
import { secretsFrom, TestSmtpServer } from './support/smtp.js';

const BASE = '/api/auth/forgotPassword';

describe('mail outbox: durable, retried, encrypted at rest', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      MAIL_POLL_INTERVAL_MS: '50',
      MAIL_RETRY_BASE_MS: '100',
      MAIL_RETRY_MAX_MS: '400',
      MAIL_MAX_ATTEMPTS: '4',
      RESET_SEND_LIMIT: '100',
    });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const outboxRows = (recipient: string) =>
    db.query(`SELECT status, attempts, payload, last_error FROM mail_outbox WHERE recipient = $1 ORDER BY id`, [recipient]);

  /** Polls the recipient's first outbox row until `ready` holds (timing differs under load). */
  async function waitForRow(recipient: string, ready: (row: any) => boolean, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await outboxRows(recipient);
      if (row && ready(row)) return row;
      if (Date.now() > deadline) throw new Error(`outbox row for ${recipient} never became ready: ${JSON.stringify(row)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('accepts requests while SMTP is down and delivers each message exactly once when it is back', async () => {
    const accounts = await Promise.all([createAccount(t), createAccount(t), createAccount(t)]);
    await smtp.stop();
    try {
      const started = Date.now();
      for (const a of accounts) {
        const res = await t.http.post(`${BASE}/sendEmail`, { username: a.username });
        expect(res.status).toBe(200);
      }
      expect(Date.now() - started).toBeLessThan(2000); // the request path does not wait on SMTP
      const pending = await waitForRow(accounts[0].email, (row) => row.attempts >= 1 && row.last_error !== null);
      expect(pending.status).toMatch(/^(pending|sending)$/);
      expect(pending.last_error).toMatch(/ECONNREFUSED/);
    } finally {
      await smtp.start();
    }
    for (const a of accounts) await smtp.waitFor(smtp.to(a.email), 1, 15_000);
    for (const a of accounts) {
      const row = await waitForRow(a.email, (r) => r.status === 'sent');
      expect(row.payload).toBeNull();
    }
    // Nothing is left to retry, so a second copy could only come from a double send.
    await new Promise((r) => setTimeout(r, 500));
    for (const a of accounts) expect(smtp.messages.filter(smtp.to(a.email))).toHaveLength(1);
  });

  it('keeps queued secrets encrypted: the code and token never appear in the outbox row', async () => {
    const a = await createAccount(t);
    smtp.rejectWith = 451;
    await t.http.post(`${BASE}/sendEmail`, { username: a.username });
    const row = await waitForRow(a.email, (r) => /451/.test(r.last_error ?? '') && r.payload !== null);
    smtp.rejectWith = undefined;
    const [mail] = await smtp.waitFor(smtp.to(a.email), 1, 15_000);
    const { code, token } = secretsFrom(mail);
    const stored = Buffer.from(row.payload ?? []).toString('latin1');
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).not.toContain(code);
    expect(stored).not.toContain(token);
    const [requestRow] = await db.query(`SELECT code_hash, token_hash FROM reset_requests ORDER BY created_at DESC LIMIT 1`);
    expect(Buffer.from(requestRow.code_hash).toString('latin1')).not.toContain(code);
  });

  it('retries temporary (4xx) failures with backoff and then delivers', async () => {
    const a = await createAccount(t);
    smtp.rejectWith = 451;
    await t.http.post(`${BASE}/sendEmail`, { username: a.username });
    await waitForRow(a.email, (row) => /451/.test(row.last_error ?? ''));
    smtp.rejectWith = undefined;
    await smtp.waitFor(smtp.to(a.email), 1, 15_000);
    // The server has the message; the worker records it as sent right after.
    const row = await waitForRow(a.email, (r) => r.status === 'sent');
    expect(row.attempts).toBeGreaterThanOrEqual(2);
  });

  it('marks a message failed after MAIL_MAX_ATTEMPTS permanent failures, drops its secrets, and counts it in /metrics', async () => {
    const a = await createAccount(t);
    smtp.rejectWith = 550;
    await t.http.post(`${BASE}/sendEmail`, { username: a.username });
    const deadline = Date.now() + 10_000;
    let rows = await outboxRows(a.email);
    while (rows[0]?.status !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await outboxRows(a.email);
    }
    smtp.rejectWith = undefined;
    expect(rows[0]).toMatchObject({ status: 'failed', attempts: 4, payload: null });
    expect(rows[0].last_error).toMatch(/550/);
    expect(smtp.messages.filter(smtp.to(a.email))).toHaveLength(0);
    const metrics = (await t.metrics.get('/metrics')).text;
    expect(metrics).toMatch(/mail_delivery_failures_total\{outcome="failed"\} [1-9]/);
    expect(metrics).toMatch(/mail_delivery_failures_total\{outcome="retry"\} [1-9]/);
  });

  it('gives up at once on a message it cannot open (sealed under another secret), and delivers the ones claimed with it', async () => {
    const [a, b] = [await createAccount(t), await createAccount(t)];
    // Queued while the worker polls: one row with parameters it cannot open, then a real message.
    await db.query(
      `INSERT INTO mail_outbox (recipient, template, locale, payload) VALUES ($1, 'password-changed', 'en', $2), ($3, 'password-changed', 'en', $4)`,
      [a.email, Buffer.alloc(64, 7), b.email, Buffer.from([])],
    );
    const res = await t.http.post(`${BASE}/sendEmail`, { username: b.username });
    expect(res.status).toBe(200);
    await smtp.waitFor(smtp.to(b.email), 1, 15_000);
    const [unreadable, empty, real] = [await waitForRow(a.email, (r) => r.status === 'failed'), ...(await outboxRows(b.email))];
    expect(unreadable).toMatchObject({ status: 'failed', attempts: 1, payload: null });
    expect(unreadable.last_error).toMatch(/cannot be opened/);
    expect(empty).toMatchObject({ status: 'failed', attempts: 1, payload: null });
    expect(real.status).toMatch(/^(sending|sent)$/);
    expect(smtp.messages.filter(smtp.to(a.email))).toHaveLength(0);
    expect(smtp.messages.filter(smtp.to(b.email))).toHaveLength(1);
  });
});
