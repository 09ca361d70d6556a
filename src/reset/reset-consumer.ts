import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { together } from '../database/together.js';
import { Metrics } from '../observability/metrics.js';
import { PasswordHasher } from '../password/password-hasher.js';
import { PasswordPolicy } from '../password/password-policy.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { CodeGuard } from './code-guard.js';
import { CodeVerifier, type VerifiedCode } from './code-verifier.js';
import { ResetAccounts } from './reset-accounts.js';
import type { ResetCodeState } from './reset-code.entity.js';
import { ResetCodeRepository } from './reset-code.repository.js';
import { ResetError } from './reset-errors.js';
import { PasswordChangeMethod, PasswordChanged, ResetCommitted, ResetEvents } from './reset-events.js';
import { hashing } from './reset-failures.js';
import { ResetSecrets } from './reset-secrets.js';

/** Step three: use a verified code or a link token exactly once, setting the new password. */
@Injectable()
export class ResetConsumer {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: ResetAccounts,
    private readonly users: UsersService,
    private readonly codes: ResetCodeRepository,
    private readonly codeGuard: CodeGuard,
    private readonly verifier: CodeVerifier,
    private readonly secrets: ResetSecrets,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly events: ResetEvents,
    private readonly metrics: Metrics,
  ) {}

  /** The new password's hash, after the confirmation and the policy; throws their errors. */
  async newPasswordHash(newPassword: string, confirmPassword?: string): Promise<string> {
    if (confirmPassword !== undefined && confirmPassword !== newPassword) throw new ResetError('password_mismatch');
    this.policy.assert(newPassword);
    return hashing(() => this.hasher.hash(newPassword));
  }

  /** Uses a right code (CodeVerifier.verify) and sets the new password. */
  async withCode({ user, request }: VerifiedCode, newPassword: string, confirmPassword?: string): Promise<void> {
    const hash = await this.newPasswordHash(newPassword, confirmPassword);
    if (!(await this.consume(request, user, hash, 'code'))) {
      // Outside the transaction: on PGlite the transaction holds the only connection.
      const now = await this.codes.byId(request.id);
      throw this.accounts.failed(this.verifier.stateError(now) ?? new ResetError('no_reset_requested'));
    }
    this.metrics.passwordResets.inc({ method: 'code' });
    await this.committed();
  }

  /** Uses a link token and sets the new password. */
  async withToken(token: string | undefined, newPassword: string, confirmPassword?: string): Promise<void> {
    if (!token) throw new ResetError('token_missing');
    const request = await this.requestForToken(token);
    const user = await this.users.findById(request.userId!);
    if (!user) throw new ResetError('account_deleted');
    const hash = await this.newPasswordHash(newPassword, confirmPassword);
    if (!(await this.consume(request, user, hash, 'link'))) {
      const now = await this.codes.byId(request.id);
      throw this.accounts.failed(new ResetError(now?.status === 'expired' ? 'token_expired' : 'token_invalid'));
    }
    this.metrics.passwordResets.inc({ method: 'token' });
    await this.committed();
  }

  /**
   * The live request a token names, without using it. Throws token_invalid for anything
   * unparseable, unknown, superseded or used, token_expired, or account_deleted.
   */
  async requestForToken(token: string): Promise<ResetCodeState> {
    const id = this.secrets.parseToken(token);
    const request = id ? await this.codes.byId(id) : null;
    if (!request || !this.secrets.tokenMatches(token, request.tokenHash)) throw this.accounts.failed(new ResetError('token_invalid'));
    if (request.status === 'retired') throw this.accounts.failed(new ResetError('token_invalid'));
    if (request.status === 'expired') throw this.accounts.failed(new ResetError('token_expired'));
    if (!request.userId) throw new ResetError('account_deleted');
    return request;
  }

  /** Whether a genuine token's reset was completed (read-only). */
  async tokenWasUsed(token: string): Promise<boolean> {
    const id = this.secrets.parseToken(token);
    const request = id ? await this.codes.byId(id) : null;
    return !!request && !!request.usedAt && this.secrets.tokenMatches(token, request.tokenHash);
  }

  private consume(request: ResetCodeState, user: User, hash: string, method: 'code' | 'link'): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await this.codes.consume(tx, request.id))) return false;
      await this.changePassword(tx, user, hash, method, request.locale);
      return true;
    });
  }

  /**
   * What every password change shares, in `tx`: the new hash, a bumped token version (every
   * access token issued before dies), every session revoked, no outstanding reset secrets, the
   * code ceiling lifted, and PasswordChanged (its handlers lift the login throttles, queue the
   * notice, record the account event). Returns the new token version.
   */
  async changePassword(tx: EntityManager, user: User, passwordHash: string, method: PasswordChangeMethod, locale: string): Promise<number> {
    // Independent writes, issued together (one round trip on a PostgreSQL server). An account
    // deleted meanwhile updates no row: the error rolls all of them back.
    const [version] = await together(
      this.users.setPasswordHash(tx, user.id, passwordHash),
      this.sessions.revokeAllInTransaction(tx, user.id),
      this.codes.supersedeOutstanding(tx, user.id),
      // The owner is back in control: no code ceiling holds the account or any of its names.
      this.codeGuard.clear(tx, [`account:${user.id}`, ...this.accounts.keys.ofAccount(user).map((name) => `hidden:${name}`)]),
      this.events.emit(new PasswordChanged(tx, user, method, locale)),
    );
    if (version === null) throw new ResetError('account_deleted');
    return version;
  }

  /**
   * After a password change has committed: its follow-ups may start (the mail worker). The
   * mail itself is durable in the outbox; a failure here is one the outbox cannot absorb, and
   * is reported as `post_commit_failure`: the change is committed, a follow-up is not.
   */
  async committed(): Promise<void> {
    try {
      await this.events.emit(new ResetCommitted('password-changed'));
    } catch (err) {
      throw new ResetError('post_commit_failure', err);
    }
  }
}
