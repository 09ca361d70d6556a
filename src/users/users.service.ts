import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { isUniqueViolation } from '../database/pg.js';
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
        throw new ApiError(409, 'account_exists', 'An account with this username or email already exists');
      }
      throw err;
    }
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
