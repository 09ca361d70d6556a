import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { unauthorized } from '../common/error-catalogue.js';
import { AppConfig } from '../config/app-config.js';
import { PasswordHasher } from '../password/password-hasher.js';
import { SessionsService, TokenPair } from '../sessions/sessions.service.js';
import { PASSWORD_MAX_BYTES, PasswordPolicy } from '../password/password-policy.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { LoginThrottle } from './login-throttle.js';

export interface AccountView {
  id: string;
  username: string;
  emails: string[];
}

export const registrationDisabled = () =>
  new ApiError(403, 'registration_disabled', 'Registration is turned off; accounts are created by an administrator');

export const invalidCredentials = () =>
  new ApiError(401, 'invalid_credentials', 'Incorrect username, email or password');

export function accountView(user: User): AccountView {
  const emails = [...(user.emails ?? [])]
    .sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.email.localeCompare(b.email))
    .map((e) => e.email);
  return { id: user.id, username: user.username, emails };
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    private readonly config: AppConfig,
  ) {}

  async register(input: { username: string; email?: string; password: string }): Promise<AccountView> {
    if (!this.config.registrationEnabled) throw registrationDisabled();
    this.policy.assert(input.password);
    const passwordHash = await this.hasher.hash(input.password);
    const user = await this.users.create({ ...input, passwordHash });
    return accountView(user);
  }

  /**
   * Counted as a failure before the password is compared (see LoginThrottle), whether or not
   * the account exists: an unknown name is throttled exactly like a known one. A successful
   * login starts a session (an access token and a refresh token).
   */
  async login(identifier: string, password: string, clientIp: string, userAgent?: string): Promise<TokenPair> {
    const found = await this.users.findByLogin(identifier);
    // A disabled account gets the answer (and the bcrypt work) of an unknown one.
    const user = found?.disabledAt ? null : found;
    const attempt = await this.throttle.reserve(identifier, clientIp);
    if (!(await this.passwordMatches(user, password))) throw invalidCredentials();
    await this.throttle.succeeded(attempt);
    return this.sessions.start(user!.id, user!.tokenVersion, { clientIp, userAgent });
  }

  /**
   * One bcrypt compare whether or not the account exists, so both answers take the same time.
   * Passwords over 72 bytes never match: bcrypt would compare only their first 72 bytes.
   */
  async passwordMatches(user: User | null, password: string): Promise<boolean> {
    const tooLong = Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;
    if (!user || tooLong) return this.hasher.verifyAgainstDummy(password);
    return this.hasher.verify(password, user.passwordHash);
  }

  async account(userId: string): Promise<AccountView> {
    const user = await this.users.findById(userId);
    if (!user) throw unauthorized();
    return accountView(user);
  }
}
