import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  JetStreamClient,
  JetStreamManager,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { AppConfig } from '../config/app-config.js';
import { AccountEvent } from './account-event.entity.js';
import { eventMessage } from './event-message.js';

/** Bounds on one publish: connecting, and waiting for the stream's acknowledgement. */
export const NATS_TIMEOUT_MS = 5000;

interface Connection {
  nc: NatsConnection;
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
      await this.ensureStream(c.jsm);
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

  private async open(): Promise<Connection> {
    const nc = await connect({
      servers: this.config.events.natsUrls,
      name: 'password-reset-service',
      timeout: NATS_TIMEOUT_MS,
      // Once connected, keep reconnecting for as long as the service runs.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    try {
      const c: Connection = { nc, js: jetstream(nc), jsm: await jetstreamManager(nc, { timeout: NATS_TIMEOUT_MS }), connected: true, streamReady: false };
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

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const { natsStream, subjectPrefix } = this.config.events;
    try {
      await jsm.streams.info(natsStream);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
      await jsm.streams.add({ name: natsStream, subjects: [`${subjectPrefix}.>`] });
      this.logger.log(`created JetStream stream ${natsStream} (subjects ${subjectPrefix}.>)`);
    }
  }
}
