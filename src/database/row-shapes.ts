import { Column, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Column sets several tables share; each entity that extends one declares its own table,
 * indexes and the rest of its columns.
 */

/** A failed try of a subject in a sliding window (logins, reset codes). */
export abstract class FailureRow {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'varchar', length: 300 })
  subject!: string;

  @Column({ name: 'failed_at', type: 'timestamptz', default: () => 'now()' })
  failedAt!: Date;
}

/** The retry state of a row a worker delivers under a lease (mail, account events). */
export abstract class LeasedDeliveryRow {
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;
}
