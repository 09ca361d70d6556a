import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import type { TestApp } from './app.js';

/** A fresh Standard Webhooks secret. */
export function webhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Event delivery settings that retry fast, for tests. */
export const FAST_EVENTS = { EVENTS_POLL_INTERVAL_MS: '50', EVENTS_RETRY_BASE_MS: '50', EVENTS_RETRY_MAX_MS: '500' };

export interface WebhookCall {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * An in-process webhook receiver: answers `fail` (a status) to the first `failures` calls of
 * each webhook-id, then 204; records every call (when it arrives).
 */
export class WebhookReceiver {
  readonly calls: WebhookCall[] = [];
  private readonly seen = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    private readonly failures: number,
    private readonly fail: number,
    private readonly delayMs: number,
  ) {
    server.on('request', (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const id = String(req.headers['webhook-id']);
        const n = (this.seen.get(id) ?? 0) + 1;
        this.seen.set(id, n);
        const status = n <= this.failures ? this.fail : 204;
        this.calls.push({ headers: req.headers, body, status });
        res.statusCode = status;
        setTimeout(() => res.end(), this.delayMs);
      });
    });
  }

  /** `delayMs`: how long each answer takes (a slow receiver). */
  static async start(options: { failures?: number; fail?: number; delayMs?: number } = {}): Promise<WebhookReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new WebhookReceiver(server, options.failures ?? 0, options.fail ?? 500, options.delayMs ?? 0);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/auth`;
  }

  callsFor(eventId: string): WebhookCall[] {
    return this.calls.filter((c) => c.headers['webhook-id'] === eventId);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface StoredEvent {
  id: string;
  type: string;
  account_id: string;
  data: Record<string, unknown>;
}

/** An account's events as stored, oldest first. */
export async function eventsOf(t: TestApp, accountId: string): Promise<StoredEvent[]> {
  return t.app
    .get(DataSource)
    .query(`SELECT id, type, account_id, data FROM account_events WHERE account_id = $1 ORDER BY occurred_at, type`, [accountId]);
}

export interface DeliveryRow {
  event_id: string;
  destination: string;
  status: string;
  attempts: number;
}

export async function deliveriesOf(t: TestApp, eventId: string): Promise<DeliveryRow[]> {
  return t.app
    .get(DataSource)
    .query(`SELECT event_id, destination, status, attempts FROM event_deliveries WHERE event_id = $1 ORDER BY destination`, [eventId]);
}

/** Polls `check` until it returns a value (not undefined); the suite's timeout bounds the wait. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, every = 50): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, every));
  }
}

/** The NATS server with JetStream the event suites use (CI starts one on the default port). */
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** A stream name and subject prefix of their own, so suites on one server never see each other's events. */
export function freshStream(): { EVENTS_NATS_STREAM: string; EVENTS_NATS_SUBJECT_PREFIX: string } {
  const tag = randomBytes(6).toString('hex');
  return { EVENTS_NATS_STREAM: `TEST_EVENTS_${tag}`, EVENTS_NATS_SUBJECT_PREFIX: `test.${tag}` };
}
