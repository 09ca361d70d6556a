import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { OneTimeSecretColumns } from './one-time-secret.js';
import { User } from '../users/user.entity.js';

/**
 * One issued reset: a 6-digit code and a link token for one account, stored only as their keyed
 * hashes. Usable while not used, not superseded by a newer one, not expired and under
 * RESET_MAX_ATTEMPTS tries (see ResetCodeRepository.USABLE).
 */
@Entity('reset_requests')
@Index('reset_requests_user_idx', ['userId', 'createdAt'])
export class ResetCode extends OneTimeSecretColumns {
  /** Chosen by the issuer (the link token carries it), else generated. */
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** NULL once the account is deleted, so a later confirmation can say "user not found". */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'reset_requests_user_id_fkey' })
  user?: Relation<User>;
}

/** Where an issued code stands: `retired` (used, or superseded by a newer one), `expired`, or `live`. */
export type ResetCodeStatus = 'live' | 'retired' | 'expired';

/**
 * The one rule of whether an issued code can still be used, as SQL over the row `alias` names:
 * reads select it, and the conditional updates that count a try or use the code require
 * `live`, so both judge by one rule and by the database's clock. (The cap on tries is the
 * code routes' own rule: a link token has none.)
 */
export const resetCodeStatus = (alias: string): string =>
  `CASE WHEN ${alias}.used_at IS NOT NULL OR ${alias}.superseded_at IS NOT NULL THEN 'retired'
        WHEN ${alias}.expires_at <= now() THEN 'expired' ELSE 'live' END`;

/** An issued code as read, with its status. */
export type ResetCodeState = ResetCode & { status: ResetCodeStatus };
