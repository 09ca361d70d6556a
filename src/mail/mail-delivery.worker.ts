import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { MailerService } from '@nestjs-modules/mailer';
import { AppConfig } from '../config/app-config.js';
import { withConnectionPriority } from '../database/connection-priority.js';
import { isDatabaseUnavailable } from '../database/pg.js';
import { PgListener } from '../database/pg-listener.js';
import { Metrics } from '../observability/metrics.js';
import { DevMailbox } from './dev-mailbox.js';
import { ClaimedMail, MailOutbox } from './mail-outbox.js';
import { Presentation } from '../presentation/presentation.js';

/** Bounds on one SMTP delivery (nodemailer's defaults allow minutes). */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000 };
/**
 * A claimed message must be delivered before its lease runs out, or another instance may claim
 * and send it too. The worker holds at most MAIL_CONCURRENCY claimed messages besides the ones in
 * flight, so a claimed message waits for at most one round of deliveries, then is sent: the lease
 * covers three deliveries at their longest (the wait, its own, a pooled connection reopened).
 */
const LEASE_SECONDS = (3 * (SMTP_TIMEOUTS.connectionTimeout + SMTP_TIMEOUTS.greetingTimeout + SMTP_TIMEOUTS.socketTimeout)) / 1000 + 10;

/**
 * Runs in every instance: claims due outbox rows, sends up to MAIL_CONCURRENCY of them at once
 * (over as many pooled SMTP connections), and records the outcomes; the messages accepted at
 * about the same time are recorded as sent in one statement. Requests never wait on SMTP; it is
 * woken after their transaction commits: by the request in this instance, by a PostgreSQL
 * notification in every instance (MAIL_LISTEN), and by polling every MAIL_POLL_INTERVAL_MS as the
 * fallback (retries that come due, expired leases, a lost LISTEN connection). On PGlite its
 * statements go ahead of queued requests, so a burst of requests does not starve it.
 * On shutdown it stops claiming, finishes the messages in flight and hands back the ones it had
 * claimed but not started. It does so in onModuleDestroy, not later: the mailer library closes its
 * SMTP pool in its own onModuleDestroy (its module is global, so Nest destroys it after ours), and
 * a message handed to a closed pool fails and is retried later with an attempt spent.
 */
@Injectable()
export class MailDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MailDelivery');
  private timer?: NodeJS.Timeout;
  private listener?: PgListener;
  private running?: Promise<void>;
  /** Something may have come due since the last claim. */
  private dirty = false;
  private stopping = false;
  /** Wakes the drain loop while it waits for a free slot or for new mail. */
  private signal?: () => void;
  private readonly inFlight = new Set<Promise<void>>();
  /** Claimed, waiting for a free slot. */
  private readonly ready: ClaimedMail[] = [];
  private readonly sentToRecord: { id: string; done: (err?: unknown) => void }[] = [];
  private recordingSent?: Promise<void>;

  constructor(
    private readonly outbox: MailOutbox,
    private readonly mailer: MailerService,
    private readonly devMailbox: DevMailbox,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly presentation: Presentation,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.setOutboxDepthSource(() => this.outbox.depth());
    this.timer = setInterval(() => this.schedule(), this.config.mail.pollIntervalMs);
    this.timer.unref();
    const { database } = this.config;
    if (database.kind === 'postgres' && this.config.mail.listen) {
      this.listener = new PgListener(database.url, MailOutbox.CHANNEL, () => this.schedule(), this.logger).start();
    }
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.signal?.();
    await this.listener?.stop();
    await this.running;
    // Claimed but not started: handed back for the next claim, here or in another instance.
    await Promise.all(this.ready.splice(0).map((m) => this.outbox.release(m.id).catch(() => {})));
    await this.idle();
  }

  /** Whether this instance is woken by PostgreSQL notifications right now (else it only polls). */
  get listening(): boolean {
    return this.listener?.listening ?? false;
  }

  /** Delivers what is due now (called after a commit that queued mail). */
  wake(): void {
    this.schedule();
  }

  /** Resolves when nothing is being delivered (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.inFlight.size || this.recordingSent) {
      await Promise.all([this.running, ...this.inFlight, this.recordingSent]);
    }
  }

  private schedule(): void {
    if (this.stopping) return;
    this.dirty = true;
    this.signal?.();
    if (this.running) return;
    this.running = this.drain()
      .catch((err: unknown) => this.logger.warn(`delivery run failed: ${(err as Error).message}`))
      .finally(() => {
        this.running = undefined;
        if (this.dirty && !this.stopping) this.schedule();
      });
  }

  /**
   * Keeps MAIL_CONCURRENCY messages in flight and up to as many more claimed and ready, so that a
   * slot that frees up starts the next message at once, without waiting for a claim. Claims
   * again (when the last claim was full, or when woken) once there is room for half a round, so a
   * backlog is claimed several rows per statement. A slot is free as soon as the SMTP server has
   * accepted its message; the outcome is written after. Returns when nothing is in flight or
   * ready and nothing new was announced.
   */
  private async drain(): Promise<void> {
    const slots = this.config.mail.concurrency;
    while (!this.stopping) {
      while (this.ready.length && this.inFlight.size < slots) this.start(this.ready.shift()!);
      const room = 2 * slots - this.inFlight.size - this.ready.length;
      if (this.dirty && room >= Math.ceil(slots / 2)) {
        this.dirty = false;
        const batch = await withConnectionPriority(() => this.outbox.claimDue(room, LEASE_SECONDS));
        this.ready.push(...batch);
        if (batch.length === room) this.dirty = true;
        continue;
      }
      if (!this.inFlight.size && !this.ready.length) return;
      await new Promise<void>((resolve) => {
        this.signal = resolve;
        void Promise.race(this.inFlight).then(resolve);
      });
      this.signal = undefined;
    }
  }

  private start(mail: ClaimedMail): void {
    const delivery: Promise<void> = this.deliver(mail)
      .catch((err: unknown) => this.logger.warn(`message ${mail.id}: outcome not recorded: ${(err as Error).message}`))
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /**
   * Records a sent message together with the others accepted while the previous write ran
   * (one UPDATE for all of them); resolves when its own row is written.
   */
  private recordSent(id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sentToRecord.push({ id, done: (err) => (err === undefined ? resolve() : reject(err)) });
      this.recordingSent ??= this.writeSent().finally(() => (this.recordingSent = undefined));
    });
  }

  private async writeSent(): Promise<void> {
    while (this.sentToRecord.length) {
      const group = this.sentToRecord.splice(0);
      try {
        await this.recordOutcome(() => withConnectionPriority(() => this.outbox.markSent(group.map((g) => g.id))));
        for (const g of group) g.done();
      } catch (err) {
        for (const g of group) g.done(err ?? new Error('unknown failure'));
      }
    }
  }

  private async deliver(mail: ClaimedMail): Promise<void> {
    let failure: unknown;
    try {
      // Inside the try: a message that cannot be rendered is retried and given up like any
      // other failure, instead of staying leased.
      const rendered = this.presentation.renderMail(mail.template, mail.locale, mail.params);
      await this.mailer.sendMail({ to: mail.to, subject: rendered.subject, text: rendered.text, html: rendered.html });
      if (!this.config.mail.smtpUrl) await this.devMailbox.record(mail.to, rendered);
    } catch (err) {
      failure = err ?? new Error('unknown delivery failure');
    }
    // A message the SMTP server accepted is marked sent, never retried because the database
    // failed to record it (that would send it twice).
    if (failure === undefined) {
      this.recordSent(mail.id).catch((err: unknown) =>
        this.logger.warn(`message ${mail.id}: sent, but not recorded as sent: ${(err as Error).message}`),
      );
      return;
    }
    const reason = (failure as Error).message ?? String(failure);
    const gaveUp = await this.recordOutcome(() => withConnectionPriority(() => this.outbox.markFailed(mail.id, mail.attempts, reason)));
    this.metrics.mailDeliveryFailures.inc({ outcome: gaveUp ? 'failed' : 'retry' });
    if (gaveUp) {
      this.logger.error(`message ${mail.id} (${mail.template}) failed for good after ${mail.attempts} attempts: ${reason}`);
    } else {
      this.logger.warn(`message ${mail.id} attempt ${mail.attempts} failed, will retry: ${reason}`);
    }
  }

  /**
   * Writes a delivery outcome, waiting out a database outage for up to half the lease: otherwise
   * the message stays leased (status `sending`) until the lease runs out, and one that was in
   * fact delivered is sent again. Gives up at once when the instance is shutting down.
   */
  private async recordOutcome<T>(write: () => Promise<T>): Promise<T> {
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
