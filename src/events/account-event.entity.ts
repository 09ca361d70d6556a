import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The kinds of account events other services receive. */
export const EVENT_TYPES = [
  'account.created',
  'account.updated',
  'account.disabled',
  'account.deleted',
  'email.added',
  'email.verified',
  'email.removed',
  'password.reset',
  'password.changed',
  'sessions.revoked',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Facts about the change: plain values, never secrets. */
export type EventData = Record<string, string | number | boolean | null>;

/**
 * One domain event, written in the transaction of the change it describes (the event outbox).
 * `data` holds non-secret facts only. No foreign key to users: an account's events outlive it.
 */
@Entity('account_events')
@Index('account_events_account_idx', ['accountId', 'occurredAt'])
export class AccountEvent {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 50 })
  type!: EventType;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ type: 'jsonb', default: {} })
  data!: EventData;
}
