/**
 * Two instances of the service on one fresh PostgreSQL database deliver the same event outbox.
 * PostgreSQL only: the default `npm test` does not collect this file (testPathIgnorePatterns);
 * `npm run test:events-replicas` runs it.
 */
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, TestAccount } from './support/accounts.js';
import { serverUrl } from './support/database.js';
import { deliveriesOf, eventsOf, eventually, FAST_EVENTS, WebhookReceiver, webhookSecret } from './support/events.js';

describe('event delivery by two instances on one database', () => {
  let receiver: WebhookReceiver;
  const replicas: TestApp[] = [];

  beforeAll(async () => {
    if (!serverUrl()) throw new Error('this suite needs DATABASE_URL=postgres://… (run it with npm run test:events-replicas)');
    // A slow receiver: each instance is busy with a batch while the other one polls.
    receiver = await WebhookReceiver.start({ delayMs: 20 });
    const env = { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: webhookSecret(), ...FAST_EVENTS };
    replicas.push(await startTestApp(env));
    // The second instance shares the first one's database (its migrations have run).
    replicas.push(await startTestApp({ ...env, DATABASE_URL: replicas[0].db.url }));
  });
  afterAll(async () => {
    for (const r of replicas.reverse()) await r.close();
    await receiver.stop();
  });

  it('delivers every event once: instances never claim the same delivery', async () => {
    const accounts: TestAccount[] = [];
    for (let i = 0; i < 40; i++) accounts.push(await createAccount(replicas[i % 2], { withEmail: false }));
    const events = (await Promise.all(accounts.map((a) => eventsOf(replicas[0], a.id)))).flat();
    expect(events).toHaveLength(40);
    await eventually(async () => {
      const rows = (await Promise.all(events.map((e) => deliveriesOf(replicas[0], e.id)))).flat();
      return rows.length === 40 && rows.every((r) => r.status === 'delivered') ? true : undefined;
    });
    const ids = new Set(events.map((e) => e.id));
    const callsPerEvent = new Map<string, number>();
    for (const c of receiver.calls) {
      const id = String(c.headers['webhook-id']);
      if (ids.has(id)) callsPerEvent.set(id, (callsPerEvent.get(id) ?? 0) + 1);
    }
    expect(callsPerEvent.size).toBe(40);
    expect([...callsPerEvent].filter(([, n]) => n !== 1)).toEqual([]);
  });
});
