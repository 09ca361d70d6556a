import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { AppConfig } from '../config/app-config.js';
import { AccountEvent } from './account-event.entity.js';
import { eventMessage } from './event-message.js';

/** Bounds on one publish: connecting, and waiting for the stream's acknowledgement. */
export const NATS_TIMEOUT_MS = 5000;

interface Connection {
  nc: NatsConnection;
  /** The JetStream client library, loaded with the first connection (see open()). */
  lib: typeof import('@nats-io/jetstream');
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** False between a disconnect and the reconnect: publishes then fail at once. */
  connected: boolean;
  /** The stream is known to exist on the server we are connected to. */
  streamReady: boolean;
}

/**
 * Publishes events to JetStream, subject `<prefix>.<type>`, with `Nats-Msg-Id` = the event id so
 * the stream drops a redelivered event (within its duplicate window). Connects on first use and
 * creates the stream when it is missing (again after every reconnect: the server may be a new
 * one); while disconnected a publish fails at once and the worker retries it later.
 */
@Injectable()
export class NatsPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('EventsNats');
  private connection?: Promise<Connection>;

  constructor(private readonly config: AppConfig) {}

  async publish(event: AccountEvent): Promise<void> {
    const c = await this.connect();
    if (!c.connected) throw new Error('not connected to NATS');
    if (!c.streamReady) {
      await this.ensureStream(c);
      c.streamReady = true;
    }
    await c.js.publish(`${this.config.events.subjectPrefix}.${event.type}`, JSON.stringify(eventMessage(event)), {
      msgID: event.id,
      timeout: NATS_TIMEOUT_MS,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    const open = await connection?.catch(() => undefined);
    if (open && !open.nc.isClosed()) await open.nc.drain().catch(() => open.nc.close());
  }

  /** The open connection, or one being opened; forgotten when it fails or closes for good. */
  private connect(): Promise<Connection> {
    if (!this.connection) {
      const attempt = this.open();
      this.connection = attempt;
      const forget = () => {
        if (this.connection === attempt) this.connection = undefined;
      };
      attempt.then(({ nc }) => nc.closed().then(forget), forget);
    }
    return this.connection;
  }

  /** The NATS client libraries (about 20 MB once loaded) are loaded only when events go to NATS. */
  private async open(): Promise<Connection> {
    const [{ connect }, lib] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')]);
    const nc = await connect({
      servers: this.config.events.natsUrls,
      name: 'password-reset-service',
      timeout: NATS_TIMEOUT_MS,
      // Once connected, keep reconnecting for as long as the service runs.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    try {
      const jsm = await lib.jetstreamManager(nc, { timeout: NATS_TIMEOUT_MS });
      const c: Connection = { nc, lib, js: lib.jetstream(nc), jsm, connected: true, streamReady: false };
      void this.follow(c);
      return c;
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw err;
    }
  }

  private async follow(c: Connection): Promise<void> {
    for await (const status of c.nc.status()) {
      if (status.type === 'disconnect') {
        c.connected = false;
        this.logger.warn('disconnected from NATS; events wait in the outbox');
      } else if (status.type === 'reconnect') {
        c.connected = true;
        c.streamReady = false;
        this.logger.log('reconnected to NATS');
      }
    }
  }

  private async ensureStream({ jsm, lib }: Connection): Promise<void> {
    const { natsStream, subjectPrefix } = this.config.events;
    try {
      await jsm.streams.info(natsStream);
    } catch (err) {
      if (!(err instanceof lib.JetStreamApiError && err.code === lib.JetStreamApiCodes.StreamNotFound)) throw err;
      await jsm.streams.add({ name: natsStream, subjects: [`${subjectPrefix}.>`] });
      this.logger.log(`created JetStream stream ${natsStream} (subjects ${subjectPrefix}.>)`);
    }
  }
}
