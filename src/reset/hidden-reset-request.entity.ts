import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * With RESET_HIDE_UNKNOWN_ACCOUNTS: the stand-in request of a name that has no account with an
 * email address, keyed by an HMAC of the name (never the name itself).
 */
@Entity('hidden_reset_requests')
export class HiddenResetRequest {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  subject!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
