import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OneTimeSecretColumns } from '../reset/one-time-secret.js';
import type { ResetCodeStatus } from '../reset/reset-code.entity.js';
import { User } from '../users/user.entity.js';

/**
 * One issued verification of an address: a 6-digit code and a link token, stored only as their
 * keyed hashes (OneTimeSecrets). Usable by the rule reset requests follow (resetCodeStatus):
 * not used, not superseded, not expired, and under RESET_MAX_ATTEMPTS code tries.
 */
@Entity('email_verifications')
@Index('email_verifications_email_idx', ['email', 'createdAt'])
@Index('email_verifications_user_idx', ['userId'])
export class EmailVerification extends OneTimeSecretColumns {
  /** The link token carries it. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'email_verifications_user_id_fkey' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 254 })
  email!: string;
}

/** A verification as read, with its status. */
export type EmailVerificationState = EmailVerification & { status: ResetCodeStatus };
