import type { EntityManager } from 'typeorm';

/**
 * A verification of `email` was issued: emitted in its transaction (the mail module queues the
 * email through `tx`, so it exists exactly when the verification does).
 */
export class VerificationIssued {
  static readonly type = 'emails.verification-issued';
  constructor(
    readonly tx: EntityManager,
    readonly username: string,
    readonly email: string,
    readonly code: string,
    readonly link: string,
    readonly expiresAt: Date,
    readonly locale: string,
  ) {}
}

/** After the commit of issued verifications: their queued mail may go now. */
export class VerificationCommitted {
  static readonly type = 'emails.verification-committed';
}
