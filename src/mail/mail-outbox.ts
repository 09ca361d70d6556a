import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DbRow, returnedRows } from '../database/pg.js';
import { AppConfig } from '../config/app-config.js';
import type { Locale } from './locale.js';
import { OutboxCrypto } from './outbox-crypto.js';
import type { TemplateName } from './templates.js';

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

/**
 * The mail_outbox table. Messages are written in the caller's transaction, so a message
 * exists exactly when the change that caused it was committed; a worker delivers them later.
 */
@Injectable()
export class MailOutbox {
  private readonly crypto: OutboxCrypto;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {
    this.crypto = new OutboxCrypto(config.reset.secret);
  }

  async enqueue(tx: EntityManager, mails: OutgoingMail[]): Promise<void> {
    if (!mails.length) return;
    const values: unknown[] = [];
    const rows = mails.map((m, i) => {
      values.push(m.to, m.template, m.locale, this.crypto.seal(m.params));
      return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
    });
    await tx.query(
      `INSERT INTO mail_outbox (recipient, template, locale, payload) VALUES ${rows.join(', ')}`,
      values,
    );
  }

  /** The channel every statement that queues mail notifies (migration MailOutboxNotify). */
  static readonly CHANNEL = 'mail_outbox';

  /**
   * Leases up to `limit` due messages to this worker. SKIP LOCKED keeps concurrent workers
   * (other instances) off the same rows; a lease that runs out (a crashed worker) makes the
   * message due again.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<ClaimedMail[]> {
    const rows = returnedRows(await this.db.query(
      `UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1,
              lease_until = now() + make_interval(secs => $2::int)
        WHERE id IN (SELECT id FROM mail_outbox
                      WHERE (status = 'pending' AND next_attempt_at <= now())
                         OR (status = 'sending' AND lease_until < now())
                      ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, recipient, template, locale, payload, attempts`,
      [limit, leaseSeconds],
    ));
    return rows.map((r: DbRow) => ({
      id: String(r.id),
      to: r.recipient,
      template: r.template,
      locale: r.locale,
      params: this.crypto.open(Buffer.from(r.payload)),
      attempts: r.attempts,
    }));
  }

  /** Records messages the SMTP server accepted, dropping their secrets. */
  async markSent(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.db.query(
      `UPDATE mail_outbox SET status = 'sent', sent_at = now(), payload = NULL, lease_until = NULL,
              last_error = NULL WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** Schedules a retry with exponential backoff, or gives up after MAIL_MAX_ATTEMPTS. Returns true when given up. */
  async markFailed(id: string, attempts: number, error: string): Promise<boolean> {
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.config.mail;
    const giveUp = attempts >= maxAttempts;
    const delayMs = Math.min(retryBaseMs * 2 ** (attempts - 1), retryMaxMs);
    await this.db.query(
      `UPDATE mail_outbox
          SET status = CASE WHEN $2 THEN 'failed' ELSE 'pending' END,
              payload = CASE WHEN $2 THEN NULL ELSE payload END,
              next_attempt_at = now() + make_interval(secs => $3::float / 1000),
              lease_until = NULL, last_error = $4
        WHERE id = $1`,
      [id, giveUp, delayMs, error.slice(0, 1000)],
    );
    return giveUp;
  }

  /** Hands a claimed message back without counting the attempt (shutdown). */
  async release(id: string): Promise<void> {
    await this.db.query(
      `UPDATE mail_outbox SET status = 'pending', attempts = attempts - 1, lease_until = NULL
        WHERE id = $1 AND status = 'sending'`,
      [id],
    );
  }

  async depth(): Promise<number> {
    const [row] = await this.db.query(
      `SELECT count(*)::int AS n FROM mail_outbox WHERE status IN ('pending', 'sending')`,
    );
    return row.n;
  }
}
