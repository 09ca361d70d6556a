import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { isDatabaseUnavailable } from '../database/pg.js';
import { eventDestinations } from './account-events.js';
import { ClaimedDelivery, EventDeliveries } from './event-deliveries.js';
import { NATS_TIMEOUT_MS, NatsPublisher } from './nats-publisher.js';
import { WEBHOOK_TIMEOUT_MS, WebhookSender } from './webhook-sender.js';

const BATCH_SIZE = 10;
/**
 * A claimed batch must be delivered before its lease runs out, or another instance may claim
 * and deliver it too: the lease covers every delivery of the batch at its longest.
 */
const LEASE_SECONDS = (BATCH_SIZE * Math.max(2 * NATS_TIMEOUT_MS, WEBHOOK_TIMEOUT_MS)) / 1000 + 5;

/**
 * Runs in every instance when a destination is configured: claims due deliveries, delivers
 * them, and records the outcome; a failure is retried with exponential backoff (never given
 * up: at-least-once). On shutdown it stops claiming, finishes the delivery in hand and hands
 * back the rest.
 */
@Injectable()
export class EventDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventDelivery');
  private readonly destinations: string[];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopping = false;

  constructor(
    private readonly store: EventDeliveries,
    private readonly nats: NatsPublisher,
    private readonly webhooks: WebhookSender,
    private readonly config: AppConfig,
  ) {
    this.destinations = eventDestinations(config);
  }

  onApplicationBootstrap(): void {
    if (!this.destinations.length) return;
    this.timer = setInterval(() => this.wake(), this.config.events.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Delivers what is due now; a call while a run is under way schedules one more run. */
  wake(): void {
    if (this.stopping || !this.destinations.length) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.logger.warn(`event delivery run failed: ${(err as Error).message}`))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopping) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopping) {
      const batch = await this.store.claimDue(this.destinations, BATCH_SIZE, LEASE_SECONDS);
      if (!batch.length) return;
      for (const [i, delivery] of batch.entries()) {
        if (this.stopping) {
          await Promise.all(batch.slice(i).map((d) => this.store.release(d.id)));
          return;
        }
        await this.deliver(delivery);
      }
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    let failure: unknown;
    try {
      if (delivery.destination === 'nats') await this.nats.publish(delivery.event);
      else await this.webhooks.send(delivery.destination.slice('webhook:'.length), delivery.event);
    } catch (err) {
      failure = err ?? new Error('unknown delivery failure');
    }
    if (failure === undefined) return this.recordOutcome(() => this.store.markDelivered(delivery.id));
    const reason = (failure as Error).message ?? String(failure);
    const { retryBaseMs, retryMaxMs } = this.config.events;
    const delayMs = Math.min(retryBaseMs * 2 ** Math.min(delivery.attempts - 1, 30), retryMaxMs);
    await this.recordOutcome(() => this.store.markFailed(delivery.id, delayMs, reason));
    this.logger.warn(
      `event ${delivery.event.id} (${delivery.event.type}) to ${this.label(delivery.destination)}: attempt ${delivery.attempts} failed, retry in ${delayMs} ms: ${reason}`,
    );
  }

  /** A webhook by its origin only: its path or query may carry a credential. */
  private label(destination: string): string {
    if (destination === 'nats') return 'NATS';
    try {
      return `webhook ${new URL(destination.slice('webhook:'.length)).origin}`;
    } catch {
      return 'webhook';
    }
  }

  /**
   * Writes a delivery outcome, waiting out a database outage for up to half the lease: otherwise
   * the delivery stays leased until the lease runs out and is made again. Gives up at once when
   * the instance is shutting down.
   */
  private async recordOutcome(write: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + (LEASE_SECONDS * 1000) / 2;
    for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
      try {
        return await write();
      } catch (err) {
        if (!isDatabaseUnavailable(err) || this.stopping || Date.now() + delay > deadline) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
