import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { LeasedDeliveryRow } from '../database/row-shapes.js';

export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * One email to send, written in the transaction of the change that caused it. Its parameters
 * stay encrypted (`payload`) until it is delivered or given up, then they are dropped.
 */
@Entity('mail_outbox')
@Index('mail_outbox_due_idx', ['nextAttemptAt'], { where: `status IN ('pending', 'sending')` })
@Check('mail_outbox_status_check', `status IN ('pending', 'sending', 'sent', 'failed')`)
export class MailOutboxMessage extends LeasedDeliveryRow {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'varchar', length: 254 })
  recipient!: string;

  @Column({ type: 'varchar', length: 50 })
  template!: string;

  @Column({ type: 'varchar', length: 10 })
  locale!: string;

  @Column({ type: 'bytea', nullable: true })
  payload!: Buffer | null;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status!: MailStatus;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
