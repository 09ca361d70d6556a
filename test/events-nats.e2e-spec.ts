import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD, TestAccount } from './support/accounts.js';
import { deliveriesOf, eventsOf, eventually, FAST_EVENTS, freshStream, StoredEvent, TEST_NATS_URL, WebhookReceiver, webhookSecret } from './support/events.js';
import { OwnNatsServer, StreamReader, StreamedEvent } from './support/nats.js';
import { ReceivedMail, secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const THIRD_PASSWORD = 'ThirdPassword123!';
const FOURTH_PASSWORD = 'FourthPassword123!';

describe('Account events to NATS JetStream', () => {
  describe('on the shared server, with a webhook that refuses twice', () => {
    const stream = freshStream();
    let smtp: TestSmtpServer;
    let receiver: WebhookReceiver;
    let reader: StreamReader;
    let t: TestApp;

    beforeAll(async () => {
      smtp = await startSmtp();
      receiver = await WebhookReceiver.start({ failures: 2 });
      reader = await StreamReader.connect(TEST_NATS_URL);
      t = await startTestApp({
        SMTP_URL: smtp.url,
        MAIL_POLL_INTERVAL_MS: '100',
        EVENTS_NATS_URL: TEST_NATS_URL,
        ...stream,
        WEBHOOK_URLS: receiver.url,
        WEBHOOK_SECRET: webhookSecret(),
        ...FAST_EVENTS,
      });
    });
    afterAll(async () => {
      await t.close();
      await reader.deleteStream(stream.EVENTS_NATS_STREAM);
      await reader.close();
      await receiver.stop();
      await smtp.stop();
    });

    async function secrets(account: TestAccount, request: () => Promise<{ status: number }>) {
      const resetMail = (m: ReceivedMail) => smtp.to(account.email)(m) && m.subject === 'Reset your password';
      const before = smtp.messages.filter(resetMail).length;
      expect((await request()).status).toBe(200);
      const mails = await smtp.waitFor(resetMail, before + 1);
      return secretsFrom(mails[before]);
    }

    it('publishes every event emitted today once, on auth-style subjects, deduplicated by id, with no secret', async () => {
      const a = await createAccount(t);
      // A reset with the emailed code (username and 6-digit code).
      const first = await secrets(a, () => t.http.post('/api/auth/forgotPassword/sendEmail', { username: a.username }));
      const byCode = await t.http.post('/api/auth/forgotPassword/resetPassword', { username: a.username, code: first.code, new_password: NEW_PASSWORD });
      expect(byCode.status).toBe(200);
      // A reset with the link token (link token with locale and error codes).
      const second = await secrets(a, () => t.http.post('/api/auth/password/reset-request', { email: a.email }));
      const byLink = await t.http.post(`/api/auth/password/reset?token=${encodeURIComponent(second.token)}`, { password: THIRD_PASSWORD });
      expect(byLink.status).toBe(200);
      // A change with the current password (PATCH /auth/resetpassword with a Bearer token).
      const token = (await login(t, a.username, THIRD_PASSWORD)).body.access_token as string;
      const changed = await t.http.patch('/auth/resetpassword', { email: a.email, current_password: THIRD_PASSWORD, new_password: FOURTH_PASSWORD }, { token });
      expect(changed.status).toBe(200);

      const stored = await eventsOf(t, a.id);
      expect(stored.map((e) => [e.type, e.data])).toEqual([
        ['account.created', { username: a.username }],
        ['email.added', { email: a.email, primary: true }],
        ['password.reset', { method: 'code' }],
        ['sessions.revoked', { reason: 'password.reset' }],
        ['password.reset', { method: 'link' }],
        ['sessions.revoked', { reason: 'password.reset' }],
        ['password.changed', { method: 'current_password' }],
        ['sessions.revoked', { reason: 'password.changed' }],
      ]);

      const published = await eventually(async () => {
        const mine = (await reader.messages(stream.EVENTS_NATS_STREAM)).filter((m) => m.body.account_id === a.id);
        return mine.length >= stored.length ? mine : undefined;
      });
      const byId = new Map(published.map((m) => [m.body.id, m]));
      expect(published).toHaveLength(stored.length);
      expect(byId.size).toBe(stored.length);
      for (const e of stored) {
        const m = byId.get(e.id) as StreamedEvent;
        expect(m.subject).toBe(`${stream.EVENTS_NATS_SUBJECT_PREFIX}.${e.type}`);
        expect(m.msgId).toBe(e.id);
        expect(m.body).toEqual({ id: e.id, type: e.type, time: expect.any(String), account_id: a.id, data: e.data });
        const text = JSON.stringify(m.body);
        for (const secret of [first.code, first.token, second.token, a.password, NEW_PASSWORD, THIRD_PASSWORD, FOURTH_PASSWORD]) {
          expect(text).not.toContain(secret);
        }
      }

      // The webhook refused each event twice: retried three times there, sent once to NATS.
      const deliveries = await eventually(async () => {
        const rows = (await Promise.all(stored.map((e: StoredEvent) => deliveriesOf(t, e.id)))).flat();
        return rows.every((r) => r.status === 'delivered') ? rows : undefined;
      });
      expect(deliveries.map((d) => [d.destination, d.attempts])).toEqual(
        stored.flatMap(() => [
          ['nats', 1],
          [`webhook:${receiver.url}`, 3],
        ]),
      );
      expect((await reader.messages(stream.EVENTS_NATS_STREAM)).filter((m) => m.body.account_id === a.id)).toHaveLength(stored.length);
    });
  });

  describe('with its own server, stopped while changes happen', () => {
    const stream = freshStream();
    let nats: OwnNatsServer;
    let t: TestApp;

    beforeAll(async () => {
      nats = await OwnNatsServer.start();
      t = await startTestApp({ EVENTS_NATS_URL: nats.url, ...stream, ...FAST_EVENTS });
    });
    afterAll(async () => {
      await t.close();
      await nats.stop();
    });

    it('keeps the events in the outbox and publishes all of them exactly once when NATS is back', async () => {
      const before = await createAccount(t, { withEmail: false });
      const reader = await StreamReader.connect(nats.url);
      await eventually(async () => ((await reader.messages(stream.EVENTS_NATS_STREAM)).length === 1 ? true : undefined));
      await reader.close();

      await nats.pause();
      const accounts: TestAccount[] = [];
      for (let i = 0; i < 30; i++) accounts.push(await createAccount(t, { withEmail: false }));
      const events = (await Promise.all(accounts.map((a) => eventsOf(t, a.id)))).flat();
      expect(events).toHaveLength(30);
      // Tried while NATS was down, and failed.
      await eventually(async () => {
        const rows = (await Promise.all(events.map((e) => deliveriesOf(t, e.id)))).flat();
        return rows.every((r) => r.attempts >= 1 && r.status === 'pending') ? true : undefined;
      });

      await nats.resume();
      const after = await StreamReader.connect(nats.url);
      try {
        await eventually(async () => {
          const rows = (await Promise.all(events.map((e) => deliveriesOf(t, e.id)))).flat();
          return rows.every((r) => r.status === 'delivered') ? true : undefined;
        });
        const messages = await after.messages(stream.EVENTS_NATS_STREAM);
        expect(messages).toHaveLength(31);
        expect(new Set(messages.map((m) => m.msgId)).size).toBe(31);
        expect(messages.map((m) => m.body.account_id).sort()).toEqual([before.id, ...accounts.map((a) => a.id)].sort());
        expect(messages.every((m) => m.body.type === 'account.created' && m.msgId === m.body.id)).toBe(true);
      } finally {
        await after.close();
      }
    });
  });
});
