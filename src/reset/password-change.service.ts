import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { unauthorized } from '../auth/access-token.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { AccountEvents } from '../events/account-events.js';
import type { Locale } from '../mail/locale.js';
import { PasswordHasher } from '../password/password-hasher.js';
import { PasswordPolicy } from '../password/password-policy.js';
import { SessionsService, TokenPair } from '../sessions/sessions.service.js';
import { normalizeEmail, UsersService } from '../users/users.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { ResetError } from './reset-errors.js';
import { hashing, TranslatesResetFailures } from './reset-failures.js';

export interface PasswordChange {
  /** The account and token version of the verified access token. */
  userId: string;
  tokenVersion: number;
  /** The address the client names; it must be one of the account's. */
  email: string;
  currentPassword: string;
  newPassword: string;
  /** When given, must equal newPassword. */
  confirmPassword?: string;
  clientIp: string;
  /** Language of the "password changed" notice. */
  locale: Locale;
}

/**
 * A logged-in user changes their password with the current one. The change itself is the
 * reset core's completeReset (new hash, token version bumped, outstanding reset secrets
 * retired, a notice queued); wrong current passwords count toward the login throttle.
 */
@Injectable()
export class PasswordChangeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly reset: PasswordResetService,
    private readonly auth: AuthService,
    private readonly loginThrottle: LoginThrottle,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly events: AccountEvents,
  ) {}

  /** Returns the token pair of one new session: the change revokes every other, the caller's included. */
  @TranslatesResetFailures()
  async changePassword(change: PasswordChange): Promise<TokenPair> {
    const user = await this.users.findById(change.userId);
    if (!user) throw unauthorized();
    const email = normalizeEmail(change.email);
    if (!user.emails.some((e) => e.email === email)) throw new ResetError('email_mismatch');

    // Counted like a login by the account's username.
    const attempt = await this.loginThrottle.reserve(user.username, change.clientIp);
    if (!(await hashing(() => this.auth.passwordMatches(user, change.currentPassword)))) {
      throw new ResetError('current_password_incorrect');
    }
    await this.loginThrottle.succeeded(attempt);

    if (change.confirmPassword !== undefined && change.confirmPassword !== change.newPassword) {
      throw new ResetError('password_mismatch');
    }
    if (change.newPassword === change.currentPassword) throw new ResetError('same_password');
    this.policy.assert(change.newPassword);
    const hash = await hashing(() => this.hasher.hash(change.newPassword));

    const version = await this.db.transaction(async (tx) => {
      // The token must still be current when the change commits (a concurrent change revokes it).
      if ((await this.users.lockTokenVersion(tx, user.id)) !== change.tokenVersion) return null;
      const changed = await this.reset.completeReset(tx, user, hash, change.locale);
      await this.events.record(tx, { type: 'password.changed', accountId: user.id, data: { method: 'current_password' } });
      return changed;
    });
    if (version === null) throw unauthorized();
    this.reset.mailQueued();
    return this.sessions.start(user.id, version, { clientIp: change.clientIp });
  }
}
