import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { LeasedDeliveryRow } from '../database/row-shapes.js';
import { AccountEvent } from './account-event.entity.js';

export type DeliveryStatus = 'pending' | 'sending' | 'delivered';

/**
 * The delivery state of one event to one destination (`nats`, or `webhook:<url>`), so a
 * failing destination is retried without sending again to the others.
 */
@Entity('event_deliveries')
@Index('event_deliveries_due_idx', ['nextAttemptAt'], { where: `status <> 'delivered'` })
@Unique('event_deliveries_event_destination_key', ['eventId', 'destination'])
export class EventDelivery extends LeasedDeliveryRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @ManyToOne(() => AccountEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'event_deliveries_event_id_fkey' })
  event!: Relation<AccountEvent>;

  @Column({ type: 'varchar', length: 2100 })
  destination!: string;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status!: DeliveryStatus;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;
}
