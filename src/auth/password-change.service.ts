import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ResetConsumer } from '../reset/reset-consumer.js';
import { ResetError } from '../reset/reset-errors.js';
import { hashing } from '../reset/reset-failures.js';
import { SessionsService, TokenPair } from '../sessions/sessions.service.js';
import { normalizeEmail, UsersService } from '../users/users.service.js';
import { unauthorized } from './access-token.guard.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';

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
  locale: string;
}

/**
 * A logged-in user changes their password with the current one. The change itself is the
 * reset core's ResetConsumer.changePassword (new hash, token version bumped, sessions revoked,
 * outstanding reset secrets retired, PasswordChanged); wrong current passwords count toward
 * the login throttle.
 */
@Injectable()
export class PasswordChangeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly reset: ResetConsumer,
    private readonly auth: AuthService,
    private readonly loginThrottle: LoginThrottle,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * Returns the token pair of one new session: the change revokes every other, the caller's
   * included. Its route binds ResetFailuresInterceptor, like every password-setting route.
   */
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
    const hash = await this.reset.newPasswordHash(change.newPassword);

    const version = await this.db.transaction(async (tx) => {
      // The token must still be current when the change commits (a concurrent change revokes it).
      if ((await this.users.lockTokenVersion(tx, user.id)) !== change.tokenVersion) return null;
      return this.reset.changePassword(tx, user, hash, 'current_password', change.locale);
    });
    if (version === null) throw unauthorized();
    await this.reset.committed();
    return this.sessions.start(user.id, version, { clientIp: change.clientIp });
  }
}
