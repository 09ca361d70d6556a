import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Something that reports how many messages wait in the mail outbox, by state (e.g. `pending`, `failed`). */
export type OutboxDepthSource = () => Promise<number | Record<string, number>>;

/**
 * The service's Prometheus metrics, in a registry of this application's own (not prom-client's
 * global one), so that several applications in one process do not clash. Served at GET /metrics.
 *
 * The reset engine and the mail module increment the counters here:
 * - `resetRequests.inc({ outcome })`: outcome `issued`, `unknown_account`, `throttled`, `no_email`, …
 * - `passwordResets.inc({ method })`: method `code` or `token`
 * - `resetFailedAttempts.inc({ reason })`: reason `incorrect`, `expired`, `exhausted`, `invalid`, …
 * - `mailDeliveryFailures.inc({ outcome })`: outcome `retry` (will be tried again) or `failed` (given up)
 * - `setOutboxDepthSource(fn)`: `mail_outbox_depth` is read through `fn` at every scrape
 */
@Injectable()
export class Metrics {
  private readonly logger = new Logger(Metrics.name);
  readonly registry = new Registry();
  private outboxDepth?: OutboxDepthSource;

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly bcryptDuration = new Histogram({
    name: 'bcrypt_duration_seconds',
    help: 'Time spent in bcrypt, by operation (hash, verify)',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2],
    registers: [this.registry],
  });

  readonly resetRequests = new Counter({
    name: 'reset_requests_total',
    help: 'Password reset requests, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly passwordResets = new Counter({
    name: 'password_resets_total',
    help: 'Successful password resets, by method (code or token)',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });

  readonly resetFailedAttempts = new Counter({
    name: 'reset_failed_attempts_total',
    help: 'Failed reset code or token attempts, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly mailDeliveryFailures = new Counter({
    name: 'mail_delivery_failures_total',
    help: 'Failed mail delivery attempts, by outcome (retry or failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly mailOutboxDepth: Gauge<'state'>;

  constructor() {
    const gauge: Gauge<'state'> = new Gauge({
      name: 'mail_outbox_depth',
      help: 'Messages in the mail outbox not yet sent, by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect: () => this.collectOutboxDepth(gauge),
    });
    this.mailOutboxDepth = gauge;
    collectDefaultMetrics({ register: this.registry });
  }

  private async collectOutboxDepth(gauge: Gauge<'state'>): Promise<void> {
    if (!this.outboxDepth) return;
    try {
      const depth = await this.outboxDepth();
      gauge.reset();
      if (typeof depth === 'number') gauge.set({ state: 'pending' }, depth);
      else for (const [state, value] of Object.entries(depth)) gauge.set({ state }, value);
    } catch (err) {
      this.logger.warn(`mail_outbox_depth not collected: ${(err as Error).message}`);
    }
  }

  /** The mail module registers how the outbox depth is read; it is read at every scrape. */
  setOutboxDepthSource(source: OutboxDepthSource): void {
    this.outboxDepth = source;
  }

  /** Times `fn` into the bcrypt histogram. */
  async timeBcrypt<T>(operation: 'hash' | 'verify', fn: () => Promise<T>): Promise<T> {
    const end = this.bcryptDuration.startTimer({ operation });
    try {
      return await fn();
    } finally {
      end();
    }
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
