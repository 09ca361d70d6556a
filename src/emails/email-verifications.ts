import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { AccountEvents } from '../events/account-events.js';
import { OneTimeSecrets } from '../reset/reset-secrets.js';
import { normalizeEmail } from '../users/email-address.js';
import { AccountRegisteredWithEmail } from '../users/user-events.js';
import { UsersService } from '../users/users.service.js';
import { VerificationCommitted, VerificationIssued } from './email-events.js';
import type { EmailVerificationState } from './email-verification.entity.js';
import { EmailVerificationRepository } from './email-verification.repository.js';

/** The errors of a verification, worded once (thrown here, documented by the controller). */
export const VERIFICATION_ERRORS = {
  failed: { status: 400, code: 'verification_failed', message: 'The code or token is not valid' },
  expired: { status: 400, code: 'verification_expired', message: 'The code or token has expired; ask for a new verification email' },
  attempts: { status: 400, code: 'verification_attempts_exceeded', message: 'Too many wrong codes; use the link, or ask for a new email' },
} as const;

const fail = (error: (typeof VERIFICATION_ERRORS)[keyof typeof VERIFICATION_ERRORS]) => new ApiError(error.status, error.code, error.message);

export interface VerifiedEmail {
  email: string;
  verified_at: string;
}

/**
 * Verifications of addresses: a code and a link token from the reset's secret machinery
 * (OneTimeSecrets under its own purpose), stored as keyed hashes, single use, expiring after
 * EMAIL_VERIFICATION_TTL_SECONDS, with RESET_MAX_ATTEMPTS code tries each. A new one for an
 * address supersedes the older ones.
 */
@Injectable()
export class EmailVerifications {
  private readonly secrets: OneTimeSecrets;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly verifications: EmailVerificationRepository,
    private readonly users: UsersService,
    private readonly events: AccountEvents,
    private readonly emitter: EventEmitter2,
    private readonly config: AppConfig,
  ) {
    this.secrets = new OneTimeSecrets(config.reset.secret, 'email-verification/v1');
  }

  /** Issues a verification of the account's `email` in `tx` and queues its email. */
  async issue(tx: EntityManager, account: { id: string; username: string }, email: string, locale: string): Promise<void> {
    const id = randomUUID();
    const { code, token, codeHash, tokenHash } = this.secrets.issue(id);
    const { ttlSeconds, linkUrl } = this.config.emailVerification;
    await this.verifications.supersedeOutstanding(tx, email);
    await this.verifications.insert(tx, { id, userId: account.id, email, codeHash, tokenHash, locale, ttlSeconds });
    const link = `${linkUrl}?token=${token}`;
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    await this.emitter.emitAsync(VerificationIssued.type, new VerificationIssued(tx, account.username, email, code, link, expiresAt, locale));
  }

  /** Retires the outstanding verifications of an address that is unlinked. */
  retire(tx: EntityManager, email: string): Promise<void> {
    return this.verifications.supersedeOutstanding(tx, email);
  }

  /** After the commit of issued verifications. */
  async committed(): Promise<void> {
    await this.emitter.emitAsync(VerificationCommitted.type, new VerificationCommitted());
  }

  @OnEvent(AccountRegisteredWithEmail.type, { suppressErrors: false })
  async registered(event: AccountRegisteredWithEmail): Promise<void> {
    if (!this.config.emailVerification.onRegister) return;
    await this.issue(event.tx, event.account, event.email, this.config.mail.defaultLocale);
  }

  /** Verifies by link token. */
  async verifyToken(token: string): Promise<VerifiedEmail> {
    const id = this.secrets.parseToken(token);
    const row = id ? await this.verifications.byId(id) : null;
    if (!row || !this.secrets.tokenMatches(token, row.tokenHash)) throw fail(VERIFICATION_ERRORS.failed);
    this.assertUsable(row, false);
    return this.complete(row);
  }

  /** Whether a link token is still usable, read-only (the page's GET confirms nothing). */
  async tokenUsable(token: string): Promise<boolean> {
    const id = this.secrets.parseToken(token);
    const row = id ? await this.verifications.byId(id) : null;
    return !!row && row.status === 'live' && this.secrets.tokenMatches(token, row.tokenHash);
  }

  /** Verifies by the address and its code: each try is counted before the code is compared. */
  async verifyCode(email: string, code: string): Promise<VerifiedEmail> {
    const row = await this.verifications.latestFor(normalizeEmail(email));
    if (!row) throw fail(VERIFICATION_ERRORS.failed);
    this.assertUsable(row, true);
    const tries = await this.verifications.countTry(row.id, this.config.reset.maxAttempts);
    if (tries === null) {
      // The cap was reached by a concurrent try, or the row stopped being usable meanwhile.
      const now = await this.verifications.byId(row.id);
      if (now) this.assertUsable(now, true);
      throw fail(VERIFICATION_ERRORS.failed);
    }
    if (!this.secrets.codeMatches(row.id, code, row.codeHash)) throw fail(VERIFICATION_ERRORS.failed);
    return this.complete(row);
  }

  private assertUsable(row: EmailVerificationState, counted: boolean): void {
    if (row.status === 'retired') throw fail(VERIFICATION_ERRORS.failed);
    if (counted && row.attempts >= this.config.reset.maxAttempts) throw fail(VERIFICATION_ERRORS.attempts);
    if (row.status === 'expired') throw fail(VERIFICATION_ERRORS.expired);
  }

  /** Uses the verification up and marks its address verified: of concurrent callers one wins. */
  private async complete(row: EmailVerificationState): Promise<VerifiedEmail> {
    const verifiedAt = await this.db.transaction(async (tx) => {
      if (!(await this.verifications.consume(tx, row.id))) return null;
      if (!(await this.users.markEmailVerified(tx, row.userId, row.email))) return null;
      await this.events.record(tx, { type: 'email.verified', accountId: row.userId, data: { email: row.email } });
      return new Date();
    });
    if (!verifiedAt) throw fail(VERIFICATION_ERRORS.failed);
    return { email: row.email, verified_at: verifiedAt.toISOString() };
  }
}
