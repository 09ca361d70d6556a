import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { AccountEvents } from '../events/account-events.js';
import { MailOutbox } from '../mail/mail-outbox.js';
import { PasswordHasher } from '../password/password-hasher.js';
import { PasswordPolicy } from '../password/password-policy.js';
import { PasswordResetService } from '../reset/password-reset.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { User } from '../users/user.entity.js';
import { NewAddress, takenError, UsersService } from '../users/users.service.js';
import { ADMIN_PAGE_DEFAULT } from './dto/admin-accounts.dto.js';
import type { AdminAccountDto, AdminAccountPageDto } from './dto/admin-accounts.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const accountNotFound = () => new ApiError(404, 'account_not_found', 'No account has this id');
export const emailNotFound = () => new ApiError(404, 'email_not_found', 'The account has no such email address');
export const invalidCursor = () => new ApiError(400, 'invalid_cursor', 'The cursor is not one this service answered');

export function adminAccountView(user: User): AdminAccountDto {
  const emails = [...(user.emails ?? [])]
    .sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.email.localeCompare(b.email))
    .map((e) => ({ email: e.email, primary: e.isPrimary }));
  return { id: user.id, username: user.username, emails, disabled: user.disabledAt !== null, created_at: user.createdAt.toISOString() };
}

/** The cursor is the last id of a page, opaque to clients. */
const encodeCursor = (id: string) => Buffer.from(JSON.stringify({ after: id })).toString('base64url');
function decodeCursor(cursor: string): string {
  try {
    const after: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')).after;
    if (typeof after === 'string' && UUID.test(after)) return after;
  } catch {
    // not a cursor of ours
  }
  throw invalidCursor();
}

export interface AccountQuery {
  limit?: number;
  cursor?: string;
  username?: string;
  email?: string;
}

/**
 * The admin API's account management. Every change and its account events (and the sessions it
 * ends) are one transaction; the account's row is locked first, so concurrent changes of one
 * account run one after the other.
 */
@Injectable()
export class AdminAccountsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly resets: PasswordResetService,
    private readonly mail: MailOutbox,
    private readonly events: AccountEvents,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly config: AppConfig,
  ) {}

  /**
   * Without a password the account gets an unguessable one nobody knows, and a "set your
   * password" email (a reset request of its own template) at its addresses.
   */
  async create(input: { username: string; emails: NewAddress[]; password?: string }): Promise<AdminAccountDto> {
    if (input.password !== undefined) this.policy.assert(input.password);
    const passwordHash = await this.hasher.hash(input.password ?? randomBytes(32).toString('base64url'));
    const user = await this.users.createWithAddresses({ username: input.username, passwordHash, emails: input.emails });
    if (input.password === undefined && user.emails.length > 0) {
      await this.resets.requestReset({ username: user.username }, this.config.mail.defaultLocale, { purpose: 'set-password' });
    }
    return adminAccountView(user);
  }

  async list(query: AccountQuery): Promise<AdminAccountPageDto> {
    const limit = query.limit ?? ADMIN_PAGE_DEFAULT;
    const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.users.listPage({ afterId, usernamePrefix: query.username, emailPrefix: query.email?.toLowerCase() }, limit + 1);
    const page = rows.slice(0, limit);
    return { accounts: page.map(adminAccountView), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  }

  async get(id: string): Promise<AdminAccountDto> {
    return adminAccountView(await this.existing(id));
  }

  /** A new username (account.updated); disabling ends every session and outstanding reset (account.disabled, sessions.revoked). */
  async update(id: string, change: { username?: string; disabled?: boolean }): Promise<AdminAccountDto> {
    await this.inAccountTransaction(id, async (tx) => {
      if (change.username !== undefined) {
        await this.users.rename(tx, id, change.username);
        await this.events.record(tx, { type: 'account.updated', accountId: id, data: { username: change.username } });
      }
      if (change.disabled === true && (await this.users.setDisabled(tx, id, true))) {
        const revoked = await this.sessions.revokeAllInTransaction(tx, id);
        await this.resets.retireOutstanding(tx, id);
        await this.events.record(
          tx,
          { type: 'account.disabled', accountId: id },
          { type: 'sessions.revoked', accountId: id, data: { reason: 'account.disabled', count: revoked } },
        );
      }
      if (change.disabled === false && (await this.users.setDisabled(tx, id, false))) {
        await this.events.record(tx, { type: 'account.updated', accountId: id, data: { disabled: false } });
      }
    }).catch((err: unknown) => {
      throw takenError(err);
    });
    return this.get(id);
  }

  /** Erasure: the account, its addresses, sessions, reset requests and every mail to its addresses. */
  async delete(id: string): Promise<void> {
    await this.inAccountTransaction(id, async (tx) => {
      const addresses = await this.users.addressesOf(tx, id);
      await this.mail.discardTo(tx, addresses.map((a) => a.email));
      await this.resets.eraseForAccount(tx, id);
      await this.users.delete(tx, id);
      await this.events.record(tx, { type: 'account.deleted', accountId: id });
    });
  }

  async addEmail(id: string, address: NewAddress): Promise<AdminAccountDto> {
    await this.inAccountTransaction(id, async (tx) => {
      const primary = (await this.users.addressesOf(tx, id)).length === 0;
      const added = await this.users.insertAddress(tx, id, address, primary);
      await this.events.record(tx, { type: 'email.added', accountId: id, data: { email: added.email, primary } });
    }).catch((err: unknown) => {
      throw takenError(err);
    });
    return this.get(id);
  }

  async removeEmail(id: string, email: string): Promise<void> {
    await this.inAccountTransaction(id, async (tx) => {
      const removed = await this.users.deleteAddress(tx, id, email);
      if (!removed) throw emailNotFound();
      if (removed.wasPrimary) await this.users.promoteOldestAddress(tx, id);
    });
  }

  /** A reset email through the reset core, exactly as a public request for the account's username. */
  async requestPasswordReset(id: string, locale?: string): Promise<void> {
    const user = await this.existing(id);
    await this.resets.requestReset({ username: user.username }, locale ?? this.config.mail.defaultLocale);
  }

  async revokeSessions(id: string): Promise<void> {
    await this.inAccountTransaction(id, async (tx) => {
      const revoked = await this.sessions.revokeAllInTransaction(tx, id);
      await this.events.record(tx, { type: 'sessions.revoked', accountId: id, data: { reason: 'admin', count: revoked } });
    });
  }

  private async existing(id: string): Promise<User> {
    const user = UUID.test(id) ? await this.users.findById(id) : null;
    if (!user) throw accountNotFound();
    return user;
  }

  /** `work` in a transaction that holds the account's row lock; 404 when there is no such account. */
  private async inAccountTransaction(id: string, work: (tx: EntityManager) => Promise<void>): Promise<void> {
    if (!UUID.test(id)) throw accountNotFound();
    await this.db.transaction(async (tx) => {
      if ((await this.users.lockTokenVersion(tx, id)) === null) throw accountNotFound();
      await work(tx);
    });
  }
}
