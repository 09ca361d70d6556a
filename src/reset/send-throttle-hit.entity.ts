import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One reset request counted against a subject's send budget (PostgreSQL storage of the send throttle). */
@Entity('send_throttle_hits')
@Index('send_throttle_hits_subject_idx', ['subject', 'hitAt'])
export class SendThrottleHit {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'varchar', length: 300 })
  subject!: string;

  @Column({ name: 'hit_at', type: 'timestamptz', default: () => 'now()' })
  hitAt!: Date;
}
