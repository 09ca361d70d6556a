import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../observability/metrics.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { IdentifierKeys } from './identifiers.js';
import { ResetError } from './reset-errors.js';

/**
 * How a contract names the account: the username-code contract by username, the others by email, and the code
 * page by either (`login`: an email address when one matches, else a username).
 */
export type AccountRef = { username: string } | { email: string } | { login: string };

/** What the three steps share: finding the account a reference names, the keys of names, failure counts. */
@Injectable()
export class ResetAccounts {
  readonly keys: IdentifierKeys;
  private readonly requireVerified: boolean;

  constructor(
    private readonly users: UsersService,
    private readonly metrics: Metrics,
    config: AppConfig,
  ) {
    this.keys = new IdentifierKeys(config.reset.secret);
    this.requireVerified = config.reset.requireVerifiedEmail;
  }

  /**
   * The account a reference names, with the addresses a reset may use: with
   * RESET_REQUIRE_VERIFIED_EMAIL only the verified ones, so an account without one is answered
   * like an account without addresses. A disabled account is answered exactly as an unknown one.
   */
  async find(ref: AccountRef): Promise<User | null> {
    const user = await ('login' in ref
      ? this.users.findByLogin(ref.login)
      : 'username' in ref ? this.users.findByUsername(ref.username) : this.users.findByEmail(ref.email));
    if (!user || user.disabledAt) return null;
    if (this.requireVerified) user.emails = user.emails.filter((e) => e.verifiedAt !== null);
    return user;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  /** The key of the name a reference carries, as typed. */
  nameKey(ref: AccountRef): string {
    return this.keys.of('email' in ref ? ref.email : 'username' in ref ? ref.username : ref.login);
  }

  /** Counts a refused try in the metrics and returns its error. */
  failed(error: ResetError): ResetError {
    this.metrics.resetFailedAttempts.inc({ reason: error.code });
    return error;
  }
}
