import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { Locale } from '../locale/locale.js';
import { Metrics } from '../observability/metrics.js';
import { MailOutboxMessageRepository } from './mail-outbox-message.repository.js';
import { OutboxCrypto } from './outbox-crypto.js';
import type { TemplateName } from '../presentation/mail-templates.js';

export interface OutgoingMail {
  to: string;
  template: TemplateName;
  locale: Locale;
  params: Record<string, unknown>;
}

export interface ClaimedMail extends OutgoingMail {
  id: string;
  attempts: number;
}

const UNREADABLE = 'its parameters cannot be opened (sealed under another RESET_SECRET, or damaged)';

/**
 * The mail outbox. Messages are written in the caller's transaction, so a message exists
 * exactly when the change that caused it was committed; a worker delivers them later. Their
 * parameters are sealed (OutboxCrypto) until delivered.
 */
@Injectable()
export class MailOutbox {
  private readonly logger = new Logger('MailOutbox');
  private readonly crypto: OutboxCrypto;

  constructor(
    private readonly messages: MailOutboxMessageRepository,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.crypto = new OutboxCrypto(config.reset.secret);
  }

  /** In an account's erasure: no mail to its addresses is left, queued or delivered. */
  discardTo(tx: EntityManager, recipients: string[]): Promise<number> {
    return this.messages.deleteTo(tx, recipients);
  }

  enqueue(tx: EntityManager, mails: OutgoingMail[]): Promise<void> {
    return this.messages.insert(
      tx,
      mails.map((m) => ({ recipient: m.to, template: m.template, locale: m.locale, payload: this.crypto.seal(m.params) })),
    );
  }

  /** The channel every statement that queues mail notifies (migration MailOutboxNotify). */
  static readonly CHANNEL = 'mail_outbox';

  /**
   * Leases up to `limit` due messages to this worker (see MailOutboxMessageRepository.claimDue).
   * A message whose parameters cannot be opened (sealed under another RESET_SECRET, or damaged)
   * can never be sent: it is given up at once, instead of staying leased, claimed again after
   * every lease and holding up the messages claimed with it.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<ClaimedMail[]> {
    const claimed: ClaimedMail[] = [];
    for (const r of await this.messages.claimDue(limit, leaseSeconds)) {
      let params: Record<string, unknown>;
      try {
        params = this.crypto.open(Buffer.from(r.payload ?? []));
      } catch {
        await this.messages.markFailed(r.id, true, 0, UNREADABLE);
        this.metrics.mailDeliveryFailures.inc({ outcome: 'failed' });
        this.logger.error(`message ${r.id} (${r.template}) given up: ${UNREADABLE}`);
        continue;
      }
      claimed.push({ id: r.id, to: r.recipient, template: r.template as TemplateName, locale: r.locale as Locale, params, attempts: r.attempts });
    }
    return claimed;
  }

  /** Records messages the SMTP server accepted, dropping their secrets. */
  markSent(ids: string[]): Promise<void> {
    return this.messages.markSent(ids);
  }

  /** Schedules a retry with exponential backoff, or gives up after MAIL_MAX_ATTEMPTS. Returns true when given up. */
  async markFailed(id: string, attempts: number, error: string): Promise<boolean> {
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.config.mail;
    const giveUp = attempts >= maxAttempts;
    const delayMs = Math.min(retryBaseMs * 2 ** (attempts - 1), retryMaxMs);
    await this.messages.markFailed(id, giveUp, delayMs, error.slice(0, 1000));
    return giveUp;
  }

  /** Hands a claimed message back without counting the attempt (shutdown). */
  release(id: string): Promise<void> {
    return this.messages.release(id);
  }

  depth(): Promise<number> {
    return this.messages.depth();
  }
}
