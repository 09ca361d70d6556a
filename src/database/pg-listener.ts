import { Logger } from '@nestjs/common';
import pg from 'pg';

const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 30_000;

/**
 * One dedicated PostgreSQL connection that LISTENs on a channel and calls `onNotify` for each
 * notification (NOTIFY is delivered when the notifying transaction commits, to every listening
 * instance). A lost connection is reopened with backoff; `onNotify` is also called after each
 * (re)connection, since a notification sent while not listening is not kept. Callers keep
 * polling as the fallback: notifications are a wake-up, never the only one.
 */
export class PgListener {
  private client?: pg.Client;
  private retry?: NodeJS.Timeout;
  private delay = FIRST_RETRY_MS;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onNotify: () => void,
    private readonly logger = new Logger('PgListener'),
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  }

  /** Whether the LISTEN connection is up right now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  start(): this {
    void this.connect();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: `listen:${this.channel}`,
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => {});
      if (this.stopped) return;
      this.logger.warn(`LISTEN ${this.channel}: ${err?.message ?? 'connection ended'}; polling only, reconnecting in ${this.delay} ms`);
      this.retry = setTimeout(() => void this.connect(), this.delay);
      this.retry.unref();
      this.delay = Math.min(this.delay * 2, LONGEST_RETRY_MS);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (n) => {
      if (n.channel === this.channel) this.onNotify();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (err) {
      onLost(err as Error);
      return;
    }
    if (this.stopped || lost) {
      lost = true;
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.delay = FIRST_RETRY_MS;
    this.onNotify();
  }
}
