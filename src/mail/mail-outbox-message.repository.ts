import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { MailOutboxMessage } from './mail-outbox-message.entity.js';

/** A row to queue: its parameters already sealed. */
export interface NewOutboxMessage {
  recipient: string;
  template: string;
  locale: string;
  payload: Buffer;
}

export type ClaimedOutboxMessage = Pick<MailOutboxMessage, 'id' | 'recipient' | 'template' | 'locale' | 'payload' | 'attempts'>;

/** The mail_outbox table. One query per method. */
@Injectable()
export class MailOutboxMessageRepository {
  constructor(@InjectRepository(MailOutboxMessage) private readonly messages: Repository<MailOutboxMessage>) {}

  /** In the caller's transaction, so a message exists exactly when its cause was committed. */
  async insert(tx: EntityManager, rows: NewOutboxMessage[]): Promise<void> {
    if (!rows.length) return;
    await tx.createQueryBuilder().insert().into(MailOutboxMessage).values(rows).execute();
  }

  /** Deletes every message to these addresses in `tx` (an account's erasure); returns how many. */
  async deleteTo(tx: EntityManager, recipients: string[]): Promise<number> {
    if (!recipients.length) return 0;
    const result = await tx.createQueryBuilder().delete().from(MailOutboxMessage).where({ recipient: In(recipients) }).execute();
    return result.affected ?? 0;
  }

  /**
   * Leases up to `limit` due messages in one statement. SKIP LOCKED keeps concurrent workers
   * (other instances) off the same rows; a lease that runs out (a crashed worker) makes the
   * message due again.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<ClaimedOutboxMessage[]> {
    const due = this.messages
      .createQueryBuilder('m')
      .select('m.id')
      .where(`(m.status = 'pending' AND m.next_attempt_at <= now()) OR (m.status = 'sending' AND m.lease_until < now())`)
      .orderBy('m.id')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked');
    const result = await this.messages
      .createQueryBuilder()
      .update()
      .set({ status: 'sending', attempts: () => 'attempts + 1', leaseUntil: () => 'now() + make_interval(secs => :leaseSeconds)' })
      .where(`id IN (${due.getQuery()})`)
      .setParameters({ ...due.getParameters(), leaseSeconds })
      .returning(['id', 'recipient', 'template', 'locale', 'payload', 'attempts'])
      .execute();
    return (result.raw as ClaimedOutboxMessage[]).map((r) => ({ ...r, id: String(r.id) }));
  }

  /** Messages the SMTP server accepted: their secrets are dropped. */
  async markSent(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.messages.update(
      { id: In(ids) },
      { status: 'sent', sentAt: () => 'now()', payload: null, leaseUntil: null, lastError: null },
    );
  }

  /** A failed delivery: due again after `delayMs`, or given up (its secrets dropped). */
  async markFailed(id: string, giveUp: boolean, delayMs: number, error: string): Promise<void> {
    await this.messages
      .createQueryBuilder()
      .update()
      .set({
        status: giveUp ? 'failed' : 'pending',
        ...(giveUp ? { payload: null } : {}),
        nextAttemptAt: () => 'now() + make_interval(secs => :delaySeconds)',
        leaseUntil: null,
        lastError: error,
      })
      .where('id = :id', { id })
      .setParameter('delaySeconds', delayMs / 1000)
      .execute();
  }

  /** Hands a claimed message back without counting the attempt (shutdown). */
  async release(id: string): Promise<void> {
    await this.messages.update(
      { id, status: 'sending' },
      { status: 'pending', attempts: () => 'attempts - 1', leaseUntil: null },
    );
  }

  /** Messages still to deliver. */
  depth(): Promise<number> {
    return this.messages.count({ where: { status: In(['pending', 'sending']) } });
  }
}
