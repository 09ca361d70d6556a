import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { isUniqueViolation } from '../database/pg.js';
import { AccountEvents } from '../events/account-events.js';
import { normalizeEmail } from '../users/email-address.js';
import type { UserEmail } from '../users/user-email.entity.js';
import { UsersService } from '../users/users.service.js';
import { EmailVerifications } from './email-verifications.js';

/** The errors of the address routes, worded once (thrown here, documented by the controller). */
export const EMAIL_ERRORS = {
  notFound: { status: 404, code: 'email_not_found', message: 'The account has no such address' },
  taken: { status: 409, code: 'email_taken', message: 'This address cannot be added' },
  alreadyAdded: { status: 409, code: 'email_already_added', message: 'The account already has this address' },
  primary: { status: 409, code: 'primary_email', message: 'Make another address primary before removing this one' },
  lastVerified: { status: 409, code: 'last_verified_email', message: 'The last verified address cannot be removed while resets require one' },
  alreadyVerified: { status: 409, code: 'email_already_verified', message: 'This address is already verified' },
} as const;

const fail = (error: (typeof EMAIL_ERRORS)[keyof typeof EMAIL_ERRORS]) => new ApiError(error.status, error.code, error.message);

export interface EmailView {
  email: string;
  primary: boolean;
  verified: boolean;
  verified_at: string | null;
}

const view = (e: UserEmail): EmailView => ({
  email: e.email,
  primary: e.isPrimary,
  verified: e.verifiedAt !== null,
  verified_at: e.verifiedAt ? e.verifiedAt.toISOString() : null,
});

/**
 * An account's own addresses. Changes lock the account's row, so concurrent changes of one
 * account's addresses (two removals racing for the last verified one) are judged one at a time.
 */
@Injectable()
export class EmailsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly verifications: EmailVerifications,
    private readonly events: AccountEvents,
    private readonly config: AppConfig,
  ) {}

  async list(userId: string): Promise<EmailView[]> {
    return (await this.users.listEmails(userId)).map(view);
  }

  /**
   * Links an address, unverified, and sends it a verification. The account's first address is
   * its primary one. An address of another account answers 409 email_taken: what
   * /auth/register's account_exists already tells anyone, here only to a logged-in account.
   */
  async add(userId: string, rawEmail: string, locale?: string): Promise<EmailView> {
    const email = normalizeEmail(rawEmail);
    const user = await this.account(userId);
    try {
      const added = await this.db.transaction(async (tx) => {
        await this.users.lockTokenVersion(tx, user.id);
        const existing = await this.users.listEmails(user.id, tx);
        const row = await this.users.insertEmail(tx, user.id, email, existing.length === 0);
        await this.events.record(tx, { type: 'email.added', accountId: user.id, data: { email, primary: row.isPrimary } });
        await this.verifications.issue(tx, user, email, locale ?? this.config.mail.defaultLocale);
        return row;
      });
      await this.verifications.committed();
      return view(added);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      throw fail((await this.users.emailOwner(email)) === user.id ? EMAIL_ERRORS.alreadyAdded : EMAIL_ERRORS.taken);
    }
  }

  /**
   * Sends an unverified address of the account a new verification email; the code and link of
   * the ones before stop working.
   */
  async resendVerification(userId: string, rawEmail: string, locale?: string): Promise<void> {
    const email = normalizeEmail(rawEmail);
    const user = await this.account(userId);
    await this.db.transaction(async (tx) => {
      await this.users.lockTokenVersion(tx, user.id);
      const target = (await this.users.listEmails(user.id, tx)).find((e) => e.email === email);
      if (!target) throw fail(EMAIL_ERRORS.notFound);
      if (target.verifiedAt !== null) throw fail(EMAIL_ERRORS.alreadyVerified);
      await this.verifications.issue(tx, user, email, locale ?? this.config.mail.defaultLocale);
    });
    await this.verifications.committed();
  }

  /**
   * Unlinks an address. The primary one only when it is the last address (else another is
   * made primary first: the service does not choose one); with RESET_REQUIRE_VERIFIED_EMAIL
   * never the last verified one.
   */
  async remove(userId: string, rawEmail: string): Promise<void> {
    const email = normalizeEmail(rawEmail);
    await this.db.transaction(async (tx) => {
      await this.users.lockTokenVersion(tx, userId);
      const emails = await this.users.listEmails(userId, tx);
      const target = emails.find((e) => e.email === email);
      if (!target) throw fail(EMAIL_ERRORS.notFound);
      if (target.isPrimary && emails.length > 1) throw fail(EMAIL_ERRORS.primary);
      const verifiedLeft = emails.filter((e) => e.verifiedAt !== null && e.email !== email).length;
      if (this.config.reset.requireVerifiedEmail && target.verifiedAt !== null && verifiedLeft === 0) throw fail(EMAIL_ERRORS.lastVerified);
      await this.users.deleteEmail(tx, userId, email);
      await this.verifications.retire(tx, email);
      await this.events.record(tx, { type: 'email.removed', accountId: userId, data: { email } });
    });
  }

  /** Makes an address of the account its primary one. */
  async makePrimary(userId: string, rawEmail: string): Promise<EmailView[]> {
    const email = normalizeEmail(rawEmail);
    await this.db.transaction(async (tx) => {
      await this.users.lockTokenVersion(tx, userId);
      await this.users.clearPrimary(tx, userId);
      if (!(await this.users.setPrimary(tx, userId, email))) throw fail(EMAIL_ERRORS.notFound);
    });
    return this.list(userId);
  }

  /** The account's id and username, as a verification email names them. */
  private async account(userId: string): Promise<{ id: string; username: string }> {
    return { id: userId, username: (await this.users.findById(userId))?.username ?? '' };
  }
}
