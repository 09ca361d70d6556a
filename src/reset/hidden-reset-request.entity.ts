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

/** A stand-in request as read: its tries, and whether it is still `live` or `expired`. */
export interface HiddenRequestState {
  attempts: number;
  status: 'live' | 'expired';
}

/** The stand-in's rule (as resetCodeStatus for a real code; it is never used or superseded). */
export const hiddenRequestStatus = (alias: string): string =>
  `CASE WHEN ${alias}.expires_at <= now() THEN 'expired' ELSE 'live' END`;
