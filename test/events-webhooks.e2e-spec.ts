import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, PASSWORD } from './support/accounts.js';
import { deliveriesOf, eventsOf, eventually, FAST_EVENTS, WebhookReceiver, webhookSecret } from './support/events.js';

describe('Account events to webhooks (Standard Webhooks signatures)', () => {
  const secret = webhookSecret();
  let receiver: WebhookReceiver;
  let t: TestApp;

  beforeAll(async () => {
    // Every event is refused twice (500) before it is accepted.
    receiver = await WebhookReceiver.start({ failures: 2, fail: 500 });
    t = await startTestApp({ WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret, ...FAST_EVENTS });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('retries a refused webhook until it accepts, then never sends it again; every call is signed', async () => {
    const a = await createAccount(t, { withEmail: false });
    const [created] = await eventsOf(t, a.id);
    expect(created).toMatchObject({ type: 'account.created', account_id: a.id, data: { username: a.username } });

    const [delivery] = await eventually(async () => {
      const rows = await deliveriesOf(t, created.id);
      return rows[0]?.status === 'delivered' ? rows : undefined;
    });
    expect(delivery).toMatchObject({ destination: `webhook:${receiver.url}`, attempts: 3 });

    const calls = receiver.callsFor(created.id);
    expect(calls.map((c) => c.status)).toEqual([500, 500, 204]);
    const wh = new Webhook(secret);
    for (const call of calls) {
      const headers = {
        'webhook-id': String(call.headers['webhook-id']),
        'webhook-timestamp': String(call.headers['webhook-timestamp']),
        'webhook-signature': String(call.headers['webhook-signature']),
      };
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(wh.verify(call.body, headers)).toEqual(JSON.parse(call.body));
      expect(call.headers['content-type']).toBe('application/json');
      expect(JSON.parse(call.body)).toEqual({
        id: created.id,
        type: 'account.created',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        account_id: a.id,
        data: { username: a.username },
      });
      expect(call.body).not.toContain(PASSWORD);
    }
    // A body changed in transit, or signed with another secret, fails verification.
    const last = calls[2];
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(last.headers[h])]));
    expect(() => wh.verify(last.body.replace(a.username, 'mallory'), headers)).toThrow();
    expect(() => new Webhook(webhookSecret()).verify(last.body, headers)).toThrow();

    // Later runs of the worker find nothing to send for it: one more event goes through and
    // the first is still at three calls.
    const b = await createAccount(t, { withEmail: false });
    const [next] = await eventsOf(t, b.id);
    await eventually(async () => ((await deliveriesOf(t, next.id))[0]?.status === 'delivered' ? true : undefined));
    expect(receiver.callsFor(created.id)).toHaveLength(3);
  });

  it('records nothing for a change that did not happen', async () => {
    const a = await createAccount(t);
    const again = await t.http.post('/auth/register', { username: a.username.toUpperCase(), email: `other.${a.email}`, password: PASSWORD });
    expect(again.status).toBe(409);
    const wrong = await t.http.post('/api/auth/forgotPassword/resetPassword', { username: a.username, code: '123456', new_password: 'NewPassword1234!' });
    expect(wrong.status).toBe(400);
    expect((await eventsOf(t, a.id)).map((e) => [e.type, e.data])).toEqual([
      ['account.created', { username: a.username }],
      ['email.added', { email: a.email, primary: true }],
    ]);
    const [row] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM account_events WHERE data->>'email' = $1`, [`other.${a.email}`]);
    expect(row.n).toBe(0);
  });
});
