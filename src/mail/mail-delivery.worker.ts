import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MailerService } from '@nestjs-modules/mailer';
import { AppConfig } from '../config/app-config.js';
import { isDatabaseUnavailable } from '../database/pg.js';
import { Metrics } from '../observability/metrics.js';
import { DevMailbox } from './dev-mailbox.js';
import { ClaimedMail, MailOutbox } from './mail-outbox.js';
import { Presentation } from '../presentation/presentation.js';

/** Bounds on one SMTP delivery (nodemailer's defaults allow minutes). */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000 };
const BATCH_SIZE = 5;
/**
 * A claimed batch must be delivered before its lease runs out, or another instance may claim
 * and send it too: the lease covers every message of the batch at its longest.
 */
const LEASE_SECONDS =
  (BATCH_SIZE * (SMTP_TIMEOUTS.connectionTimeout + SMTP_TIMEOUTS.greetingTimeout + SMTP_TIMEOUTS.socketTimeout)) / 1000 + 5;

/**
 * Runs in every instance: claims due outbox rows, sends them, and records the outcome.
 * Requests never wait on SMTP; they only wake the worker after their transaction commits.
 * On shutdown it stops claiming, finishes the message in hand and hands back the rest.
 */
@Injectable()
export class MailDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MailDelivery');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopping = false;

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
    this.timer = setInterval(() => this.wake(), this.config.mail.pollIntervalMs);
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
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.logger.warn(`delivery run failed: ${(err as Error).message}`))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopping) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Resolves when nothing is being delivered (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopping) {
      const batch = await this.outbox.claimDue(BATCH_SIZE, LEASE_SECONDS);
      if (!batch.length) return;
      for (const [i, mail] of batch.entries()) {
        if (this.stopping) {
          await Promise.all(batch.slice(i).map((m) => this.outbox.release(m.id)));
          return;
        }
        await this.deliver(mail);
      }
    }
  }

  private async deliver(mail: ClaimedMail): Promise<void> {
    const rendered = this.presentation.renderMail(mail.template, mail.locale, mail.params);
    let failure: unknown;
    try {
      await this.mailer.sendMail({ to: mail.to, subject: rendered.subject, text: rendered.text, html: rendered.html });
      if (!this.config.mail.smtpUrl) await this.devMailbox.record(mail.to, rendered);
    } catch (err) {
      failure = err ?? new Error('unknown delivery failure');
    }
    // A message the SMTP server accepted is marked sent, never retried because the database
    // failed to record it (that would send it twice).
    if (failure === undefined) return this.recordOutcome(() => this.outbox.markSent(mail.id));
    const reason = (failure as Error).message ?? String(failure);
    const gaveUp = await this.recordOutcome(() => this.outbox.markFailed(mail.id, mail.attempts, reason));
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
