import type { EntityManager } from 'typeorm';
import type { User } from './user.entity.js';

/**
 * An account was registered with an address: emitted inside the registration's transaction
 * (`tx`), so what follows (the address's verification email) commits or rolls back with it.
 */
export class AccountRegisteredWithEmail {
  static readonly type = 'users.registered-with-email';
  constructor(readonly tx: EntityManager, readonly account: User, readonly email: string) {}
}
