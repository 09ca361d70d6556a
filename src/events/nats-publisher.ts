import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { jetstream, JetStreamApiCodes, JetStreamApiError, JetStreamClient, jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { AppConfig } from '../config/app-config.js';
import { AccountEvent } from './account-event.entity.js';
import { eventMessage } from './event-message.js';

/** Bounds on one publish: connecting, and waiting for the stream's acknowledgement. */
export const NATS_TIMEOUT_MS = 5000;

/**
 * Publishes events to JetStream, subject `<prefix>.<type>`, with `Nats-Msg-Id` = the event id so
 * the stream drops a redelivered event (within its duplicate window). Connects on first use and
 * creates the stream when it is missing; a failed connection is retried on the next publish.
 */
@Injectable()
export class NatsPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('EventsNats');
  private connection?: Promise<{ nc: NatsConnection; js: JetStreamClient }>;

  constructor(private readonly config: AppConfig) {}

  async publish(event: AccountEvent): Promise<void> {
    const { js } = await this.connect();
    await js.publish(`${this.config.events.subjectPrefix}.${event.type}`, JSON.stringify(eventMessage(event)), {
      msgID: event.id,
      timeout: NATS_TIMEOUT_MS,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    const open = await connection?.catch(() => undefined);
    await open?.nc.drain().catch(() => undefined);
  }

  /** The open connection, or one being opened; forgotten when it fails or closes for good. */
  private connect(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
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

  private async open(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    const { natsUrls, natsStream, subjectPrefix } = this.config.events;
    const nc = await connect({
      servers: natsUrls,
      name: 'password-reset-service',
      timeout: NATS_TIMEOUT_MS,
      // Once connected, keep reconnecting; publishes in between time out and are retried.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: NATS_TIMEOUT_MS });
      try {
        await jsm.streams.info(natsStream);
      } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
        await jsm.streams.add({ name: natsStream, subjects: [`${subjectPrefix}.>`] });
        this.logger.log(`created JetStream stream ${natsStream} (subjects ${subjectPrefix}.>)`);
      }
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw err;
    }
    return { nc, js: jetstream(nc) };
  }
}
