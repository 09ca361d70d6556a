import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
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
export class EmailVerification {
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

  @Column({ name: 'code_hash', type: 'bytea' })
  codeHash!: Buffer;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'varchar', length: 10 })
  locale!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt!: Date | null;
}

/** A verification as read, with its status. */
export type EmailVerificationState = EmailVerification & { status: ResetCodeStatus };
