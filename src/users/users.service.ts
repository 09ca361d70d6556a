import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { isUniqueViolation, violatedConstraint } from '../database/pg.js';
import { normalizeEmail } from './email-address.js';
import { AccountEvents } from '../events/account-events.js';
import { UserEmail } from './user-email.entity.js';
import { User } from './user.entity.js';
import { AccountRegisteredWithEmail } from './user-events.js';

export interface NewAccount {
  username: string;
  email?: string;
  passwordHash: string;
}

export { normalizeEmail };

export interface NewAddress {
  email: string;
  /** Whether the address was verified elsewhere (the admin API): stored as verified now. */
  verified?: boolean;
}

export interface AccountFilter {
  /** Accounts whose username starts with this, case-insensitively. */
  usernamePrefix?: string;
  /** Accounts with an address starting with this (addresses are stored lower-cased). */
  emailPrefix?: string;
  /** Only accounts whose id sorts after this one (the page cursor). */
  afterId?: string;
}

export const usernameTaken = () => new ApiError(409, 'username_taken', 'An account with this username already exists');
export const emailTaken = () => new ApiError(409, 'email_taken', 'An account with this email address already exists');

/** The 409 of a unique violation on users or user_emails, else the error itself. */
export function takenError(err: unknown): unknown {
  const constraint = violatedConstraint(err);
  if (constraint === 'users_username_lower_key') return usernameTaken();
  if (constraint === 'user_emails_email_key') return emailTaken();
  return err;
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Accounts and their email addresses. One query per method. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(UserEmail) private readonly emails: Repository<UserEmail>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: AccountEvents,
    private readonly emitter: EventEmitter2,
  ) {}

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id }, relations: { emails: true } });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .leftJoinAndSelect('u.emails', 'e')
      .where('lower(u.username) = lower(:username)', { username })
      .getOne();
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .leftJoinAndSelect('u.emails', 'e')
      .where('u.id = (SELECT user_id FROM user_emails WHERE email = :email)', {
        email: normalizeEmail(email),
      })
      .getOne();
  }

  /** An email address when the identifier has an @ and matches one, else a username. */
  async findByLogin(identifier: string): Promise<User | null> {
    if (identifier.includes('@')) {
      const byEmail = await this.findByEmail(identifier);
      if (byEmail) return byEmail;
    }
    return this.findByUsername(identifier);
  }

  async tokenVersion(id: string): Promise<number | null> {
    const row = await this.users.findOne({ where: { id }, select: { id: true, tokenVersion: true } });
    return row ? row.tokenVersion : null;
  }

  async create(account: NewAccount): Promise<User> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        const user = await tx.save(
          tx.create(User, { username: account.username, passwordHash: account.passwordHash }),
        );
        user.emails = account.email
          ? [
              await tx.save(
                tx.create(UserEmail, {
                  userId: user.id,
                  email: normalizeEmail(account.email),
                  isPrimary: true,
                }),
              ),
            ]
          : [];
        await this.events.record(tx, { type: 'account.created', accountId: user.id, data: { username: user.username } }, ...user.emails.map((e) => ({ type: 'email.added' as const, accountId: user.id, data: { email: e.email, primary: e.isPrimary } })));
        for (const e of user.emails) await this.emitter.emitAsync(AccountRegisteredWithEmail.type, new AccountRegisteredWithEmail(tx, user, e.email));
        return user;
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        // /auth/register keeps its documented single code.
        throw new ApiError(409, 'account_exists', 'An account with this username or email already exists');
      }
      throw err;
    }
  }

  /** The admin API's create: the account, its addresses (the first primary) and their events, in one transaction. */
  async createWithAddresses(account: { username: string; passwordHash: string; emails: NewAddress[] }): Promise<User> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        const user = await tx.save(tx.create(User, { username: account.username, passwordHash: account.passwordHash }));
        user.emails = [];
        for (const [index, address] of account.emails.entries()) {
          user.emails.push(await this.insertAddress(tx, user.id, address, index === 0));
        }
        await this.events.record(
          tx,
          { type: 'account.created', accountId: user.id, data: { username: user.username } },
          ...user.emails.map((e) => ({ type: 'email.added' as const, accountId: user.id, data: { email: e.email, primary: e.isPrimary } })),
        );
        return user;
      });
    } catch (err) {
      throw takenError(err);
    }
  }

  /** Links one more address to an account in `tx`. */
  insertAddress(tx: EntityManager, userId: string, address: NewAddress, isPrimary: boolean): Promise<UserEmail> {
    return tx.save(tx.create(UserEmail, { userId, email: normalizeEmail(address.email), isPrimary, verifiedAt: address.verified ? new Date() : null }));
  }

  /** The account's addresses, read in `tx`. */
  addressesOf(tx: EntityManager, userId: string): Promise<UserEmail[]> {
    return tx.find(UserEmail, { where: { userId }, order: { createdAt: 'ASC' } });
  }

  /** One page of accounts in id order, with their addresses: up to `limit` rows. */
  listPage(filter: AccountFilter, limit: number): Promise<User[]> {
    const query = this.users.createQueryBuilder('u').leftJoinAndSelect('u.emails', 'e').orderBy('u.id', 'ASC').take(limit);
    if (filter.afterId) query.andWhere('u.id > :afterId', { afterId: filter.afterId });
    if (filter.usernamePrefix) query.andWhere(`lower(u.username) LIKE lower(:username) ESCAPE '\\'`, { username: likePrefix(filter.usernamePrefix) });
    if (filter.emailPrefix) {
      query.andWhere(`u.id IN (SELECT f.user_id FROM user_emails f WHERE f.email LIKE :email ESCAPE '\\')`, { email: likePrefix(filter.emailPrefix) });
    }
    return query.getMany();
  }

  /** Renames an account in `tx`; false when there is no such account. */
  async rename(tx: EntityManager, userId: string, username: string): Promise<boolean> {
    const result = await tx.createQueryBuilder().update(User).set({ username }).where('id = :userId', { userId }).execute();
    return (result.affected ?? 0) > 0;
  }

  /** Disables or enables an account in `tx`; false when it already was (or there is no such account). */
  async setDisabled(tx: EntityManager, userId: string, disabled: boolean): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .update(User)
      .set({ disabledAt: disabled ? () => 'now()' : null })
      .where(`id = :userId AND disabled_at IS ${disabled ? '' : 'NOT '}NULL`, { userId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Deletes an account in `tx`; its addresses and sessions go with it (ON DELETE CASCADE). */
  async delete(tx: EntityManager, userId: string): Promise<boolean> {
    const result = await tx.createQueryBuilder().delete().from(User).where('id = :userId', { userId }).execute();
    return (result.affected ?? 0) > 0;
  }

  /** Unlinks one address of an account in `tx`; whether it was the primary one, null when the account has no such address. */
  async deleteAddress(tx: EntityManager, userId: string, email: string): Promise<{ wasPrimary: boolean } | null> {
    const result = await tx
      .createQueryBuilder()
      .delete()
      .from(UserEmail)
      .where('user_id = :userId AND email = :email', { userId, email: normalizeEmail(email) })
      .returning(['isPrimary'])
      .execute();
    const row = (result.raw as { is_primary: boolean }[])[0];
    return row ? { wasPrimary: row.is_primary } : null;
  }

  /** Makes the account's oldest address its primary one, in `tx` (after the primary was unlinked). */
  async promoteOldestAddress(tx: EntityManager, userId: string): Promise<void> {
    await tx
      .createQueryBuilder()
      .update(UserEmail)
      .set({ isPrimary: true })
      .where('id = (SELECT o.id FROM user_emails o WHERE o.user_id = :userId ORDER BY o.created_at, o.email LIMIT 1)', { userId })
      .execute();
  }

  /** Sets a new hash and bumps the token version, which revokes every access token issued before. */
  async setPasswordHash(tx: EntityManager, userId: string, passwordHash: string): Promise<number | null> {
    const result = await tx
      .createQueryBuilder()
      .update(User)
      .set({ passwordHash, tokenVersion: () => 'token_version + 1' })
      .where('id = :userId', { userId })
      .returning(['tokenVersion'])
      .execute();
    return (result.raw as { token_version: number }[])[0]?.token_version ?? null;
  }

  /** The account's token version, its row locked until the transaction ends (null: no account). */
  async lockTokenVersion(tx: EntityManager, userId: string): Promise<number | null> {
    const row = await tx
      .createQueryBuilder(User, 'u')
      .select(['u.id', 'u.tokenVersion'])
      .where('u.id = :userId', { userId })
      .setLock('pessimistic_write')
      .getOne();
    return row ? row.tokenVersion : null;
  }

  /** The account's addresses, the primary first, then in the order they were added. */
  listEmails(userId: string, tx?: EntityManager): Promise<UserEmail[]> {
    return (tx ? tx.getRepository(UserEmail) : this.emails).find({ where: { userId }, order: { isPrimary: 'DESC', createdAt: 'ASC', email: 'ASC' } });
  }

  /** The account an address belongs to (null: none). */
  async emailOwner(email: string): Promise<string | null> {
    const row = await this.emails.findOne({ where: { email: normalizeEmail(email) }, select: { id: true, userId: true } });
    return row ? row.userId : null;
  }

  /** Links an address (already normalized); a unique violation when any account has it. */
  async insertEmail(tx: EntityManager, userId: string, email: string, primary: boolean): Promise<UserEmail> {
    return tx.save(tx.create(UserEmail, { userId, email, isPrimary: primary, verifiedAt: null }));
  }

  /** Unlinks an address of the account; false when it has no such address. */
  async deleteEmail(tx: EntityManager, userId: string, email: string): Promise<boolean> {
    const result = await tx.createQueryBuilder().delete().from(UserEmail).where('user_id = :userId AND email = :email', { userId, email }).execute();
    return (result.affected ?? 0) > 0;
  }

  /** No address of the account is primary (the first half of a primary switch: see setPrimary). */
  async clearPrimary(tx: EntityManager, userId: string): Promise<void> {
    await tx.createQueryBuilder().update(UserEmail).set({ isPrimary: false }).where('user_id = :userId AND is_primary', { userId }).execute();
  }

  /**
   * Makes an address of the account its primary one, after clearPrimary in the same
   * transaction (the one-primary index is checked row by row, so one UPDATE flipping two rows
   * could trip it). False when the account has no such address.
   */
  async setPrimary(tx: EntityManager, userId: string, email: string): Promise<boolean> {
    const result = await tx.createQueryBuilder().update(UserEmail).set({ isPrimary: true }).where('user_id = :userId AND email = :email', { userId, email }).execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Marks an address of the account verified now (kept when it already was), through `tx` or on
   * its own; false when the account has no such address. Also for accounts created already
   * verified (the admin API).
   */
  async markEmailVerified(tx: EntityManager | null, userId: string, email: string): Promise<boolean> {
    const result = await (tx ?? this.dataSource.manager)
      .createQueryBuilder()
      .update(UserEmail)
      .set({ verifiedAt: () => 'coalesce(verified_at, now())' })
      .where('user_id = :userId AND email = :email', { userId, email: normalizeEmail(email) })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
