import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { FailureRow } from '../database/row-shapes.js';

/** One wrong reset code (counted before the comparison) of a subject: an account, or a hidden name. */
@Entity('code_failures')
@Index('code_failures_subject_idx', ['subject', 'failedAt'])
export class CodeFailure extends FailureRow {}

/** When a subject last reached the ceiling of wrong codes (one alert per window). */
@Entity('code_failure_alerts')
export class CodeFailureAlert {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  subject!: string;

  @Column({ name: 'alerted_at', type: 'timestamptz', default: () => 'now()' })
  alertedAt!: Date;
}
