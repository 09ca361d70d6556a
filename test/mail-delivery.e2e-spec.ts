import pg from 'pg';
import { DataSource } from 'typeorm';
import { getPGliteInstance } from 'typeorm-pglite';
import { MailerService } from '@nestjs-modules/mailer';
import { MailDeliveryWorker } from '../src/mail/mail-delivery.worker.js';
import { MailOutbox } from '../src/mail/mail-outbox.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount } from './support/accounts.js';
import { serverUrl } from './support/database.js';
import { TestSmtpServer } from './support/smtp.js';

const SEND = '/api/auth/forgotPassword/sendEmail';
/** Long enough that, within a test, a poll never happens: only a wake-up delivers. */
const NO_POLL = { MAIL_POLL_INTERVAL_MS: '600000' };

/** Queues one message in a committed transaction of `t`, without waking any worker. */
async function queueQuietly(t: TestApp, to: string): Promise<void> {
  const outbox = t.app.get(MailOutbox);
  await t.app.get(DataSource).transaction((tx) =>
    outbox.enqueue(tx, [{ to, template: 'password-changed', locale: 'en', params: { username: to, changedAt: '2026-01-01 00:00' } }]),
  );
}

async function sentRows(t: TestApp, recipients: string[]) {
  return t.app
    .get(DataSource)
    .query(`SELECT recipient, status, payload FROM mail_outbox WHERE recipient = ANY($1) ORDER BY id`, [recipients]);
}

type OutboxRow = { recipient: string; status: string; attempts: number; last_error: string | null };

/**
 * The outbox rows of `recipients`, read after the app is gone: on the server with a connection of
 * its own; on PGlite through the file's instance, which outlives the app (see
 * test/support/migrated-database.ts).
 */
async function outboxRowsAfterClose(t: TestApp, recipients: string[]): Promise<OutboxRow[]> {
  const query = 'SELECT recipient, status, attempts, last_error FROM mail_outbox WHERE recipient = ANY($1) ORDER BY id';
  if (!serverUrl()) return (await (await getPGliteInstance()).query<OutboxRow>(query, [recipients])).rows;
  const client = new pg.Client({ connectionString: t.db.url });
  await client.connect();
  try {
    return (await client.query<OutboxRow>(query, [recipients])).rows;
  } finally {
    await client.end();
  }
}

describe('mail delivery worker: concurrent sends, wake-ups', () => {
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
  });
  afterEach(() => {
    smtp.holdMs = undefined;
  });
  afterAll(() => smtp.stop());

  it('keeps up to MAIL_CONCURRENCY messages in flight to a slow SMTP server, each delivered once', async () => {
    const t = await startTestApp({ SMTP_URL: smtp.url, MAIL_CONCURRENCY: '4', RESET_SEND_LIMIT: '100', ...NO_POLL });
    try {
      const accounts = [];
      for (let i = 0; i < 8; i++) accounts.push(await createAccount(t));
      await t.app.get(MailDeliveryWorker).idle();
      smtp.holdMs = 300;
      smtp.maxInProgress = 0;
      for (const a of accounts) expect((await t.http.post(SEND, { username: a.username })).status).toBe(200);
      for (const a of accounts) await smtp.waitFor(smtp.to(a.email), 1, 20_000);
      await t.app.get(MailDeliveryWorker).idle();

      // One connection at a time would never have two messages open at the server.
      expect(smtp.maxInProgress).toBe(4);
      for (const a of accounts) expect(smtp.messages.filter(smtp.to(a.email))).toHaveLength(1);
      const rows = await sentRows(t, accounts.map((a) => a.email));
      expect(rows).toHaveLength(8);
      for (const row of rows) expect(row).toMatchObject({ status: 'sent', payload: null });
    } finally {
      await t.close();
    }
  });

  it('shuts down without failing a delivery: what was in flight is sent before the SMTP pool closes, what was claimed is handed back untried', async () => {
    const t = await startTestApp({ SMTP_URL: smtp.url, MAIL_CONCURRENCY: '4', ...NO_POLL });
    const recipients = Array.from({ length: 16 }, (_, i) => `shutdown.${i}.${Date.now()}@example.com`);
    try {
      for (const to of recipients) await queueQuietly(t, to);
      // The mailer library closes its pool in its onModuleDestroy: a message handed to it after
      // that fails ('Connection pool was closed') and is retried later, an attempt spent.
      const mailer = t.app.get(MailerService);
      const closePool = mailer.onModuleDestroy.bind(mailer);
      let inProgressWhenClosed: number | undefined;
      mailer.onModuleDestroy = () => {
        inProgressWhenClosed = smtp.inProgress;
        return closePool();
      };
      smtp.holdMs = 300;
      t.app.get(MailDeliveryWorker).wake();
      while (smtp.inProgress === 0) await new Promise((r) => setTimeout(r, 10));
      await t.app.close();
      expect(inProgressWhenClosed).toBe(0);
      const rows = await outboxRowsAfterClose(t, recipients);
      expect(rows.filter((r) => r.last_error !== null)).toEqual([]);
      const sent = rows.filter((r) => r.status === 'sent').map((r) => r.recipient);
      expect(sent.length).toBeGreaterThan(0);
      expect(smtp.messages.filter((m) => recipients.some((to) => m.to.includes(to))).map((m) => m.to[0]).sort()).toEqual(sent.sort());
      for (const r of rows.filter((row) => row.status !== 'sent')) expect(r).toMatchObject({ status: 'pending', attempts: 0 });
    } finally {
      await t.close().catch(() => {});
    }
  });

  it('polls for mail no wake-up announced (MAIL_LISTEN=false, or the embedded database)', async () => {
    const t = await startTestApp({ SMTP_URL: smtp.url, MAIL_LISTEN: 'false', MAIL_POLL_INTERVAL_MS: '100' });
    try {
      const worker = t.app.get(MailDeliveryWorker);
      expect(worker.listening).toBe(false);
      await queueQuietly(t, 'polled@example.test');
      await smtp.waitFor(smtp.to('polled@example.test'), 1, 10_000);
    } finally {
      await t.close();
    }
  });

  it('a commit in another instance wakes this instance’s worker through PostgreSQL NOTIFY', async () => {
    if (!serverUrl()) {
      // The embedded database belongs to one process: there is no other instance to notify,
      // and no LISTEN connection. Mail is delivered by the wake-up of the request itself.
      const t = await startTestApp({ SMTP_URL: smtp.url, ...NO_POLL });
      try {
        expect(t.app.get(MailDeliveryWorker).listening).toBe(false);
        const a = await createAccount(t);
        expect((await t.http.post(SEND, { username: a.username })).status).toBe(200);
        await smtp.waitFor(smtp.to(a.email), 1, 10_000);
      } finally {
        await t.close();
      }
      return;
    }
    const a = await startTestApp({ SMTP_URL: smtp.url, ...NO_POLL });
    const b = await startTestApp({ SMTP_URL: smtp.url, ...NO_POLL, DATABASE_URL: a.db.url });
    try {
      const workerB = b.app.get(MailDeliveryWorker);
      for (const deadline = Date.now() + 10_000; !workerB.listening; ) {
        if (Date.now() > deadline) throw new Error('instance b never started listening');
        await new Promise((r) => setTimeout(r, 20));
      }
      // Instance a queues the mail but does not deliver it (its worker is stopped) and wakes
      // nobody itself; b polls only every 10 minutes: only the notification can wake b.
      await a.app.get(MailDeliveryWorker).onModuleDestroy();
      await queueQuietly(a, 'notified@example.test');
      await smtp.waitFor(smtp.to('notified@example.test'), 1, 10_000);
      await workerB.idle();
      const [row] = await sentRows(b, ['notified@example.test']);
      expect(row).toMatchObject({ status: 'sent', payload: null });
    } finally {
      await b.close();
      await a.close();
    }
  });
});
