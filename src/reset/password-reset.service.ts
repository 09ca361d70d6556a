import { createHmac, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { Locale } from '../mail/locale.js';
import { MailDeliveryWorker } from '../mail/mail-delivery.worker.js';
import { MailOutbox } from '../mail/mail-outbox.js';
import { Metrics } from '../observability/metrics.js';
import { PasswordHasher } from '../password/password-hasher.js';
import { PasswordPolicy } from '../password/password-policy.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { User } from '../users/user.entity.js';
import { UsersService, normalizeEmail } from '../users/users.service.js';
import { DurationSampler } from './duration-sampler.js';
import { ResetError } from './reset-errors.js';
import { hashing, TranslatesResetFailures } from './reset-failures.js';
import { ResetRequest, ResetRequests } from './reset-requests.js';
import { ResetSecrets } from './reset-secrets.js';
import { SendThrottle } from './send-throttle.js';

/**
 * How a contract names the account: seed 002 by username, the others by email, and the code
 * page by either (`login`: an email address when one matches, else a username).
 */
export type AccountRef = { username: string } | { email: string } | { login: string };

const utc = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

/**
 * The reset core every contract shares: issue a request (a 6-digit code and a link token,
 * mailed through the outbox), verify a code, and consume a code or token exactly once while
 * setting the new password. Contracts only translate their bodies and errors.
 */
@Injectable()
export class PasswordResetService {
  /** How long issuing a real request took lately (see spendThrottleOnly). */
  private readonly issueDurations = new DurationSampler();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly requests: ResetRequests,
    private readonly secrets: ResetSecrets,
    private readonly throttle: SendThrottle,
    private readonly outbox: MailOutbox,
    private readonly worker: MailDeliveryWorker,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * Issues a new request (superseding older ones) and queues one email per address of the
   * account. With RESET_HIDE_UNKNOWN_ACCOUNTS, an unknown account or one without addresses
   * is answered like any other: same work on the throttle, the same time, no email.
   */
  async requestReset(ref: AccountRef, locale: Locale): Promise<void> {
    const startedAt = performance.now();
    const user = await this.findAccount(ref);
    const deliverable = user && user.emails.length > 0;
    if (!deliverable) {
      const outcome = user ? 'no_email_addresses' : 'unknown_account';
      this.metrics.resetRequests.inc({ outcome });
      if (this.config.reset.hideUnknownAccounts) return this.spendThrottleOnly(ref, startedAt);
      throw new ResetError(outcome);
    }
    const id = randomUUID();
    const { code, token, codeHash, tokenHash } = this.secrets.issue(id);
    const { ttlSeconds, linkUrl } = this.config.reset;
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const link = `${linkUrl}${linkUrl.includes('?') ? '&' : '?'}token=${token}`;
    await this.db.transaction(async (tx) => {
      await this.throttle.consume(tx, `account:${user.id}`);
      await this.requests.supersedeOutstanding(tx, user.id);
      await this.requests.insert(tx, { id, userId: user.id, codeHash, tokenHash, locale, ttlSeconds });
      await this.outbox.enqueue(
        tx,
        user.emails.map((e) => ({
          to: e.email,
          template: 'reset-code' as const,
          locale,
          params: { username: user.username, code, link, ttlMinutes: Math.round(ttlSeconds / 60), expiresAt: utc(expiresAt) },
        })),
      );
    });
    this.issueDurations.record(performance.now() - startedAt);
    this.metrics.resetRequests.inc({ outcome: 'issued' });
    this.worker.wake();
  }

  /** Checks a code without using it. A wrong code counts toward the request's cap. */
  async checkCode(ref: AccountRef, code: string): Promise<void> {
    const user = await this.requireAccount(ref);
    await this.verifyCode(await this.requests.latestFor(user.id), code);
  }

  /**
   * Sets a new password with the account's current code; the code is used up.
   * `confirmPassword`, when given, must equal the new password.
   */
  @TranslatesResetFailures()
  async resetWithCode(ref: AccountRef, code: string, newPassword: string, confirmPassword?: string): Promise<void> {
    const user = await this.requireAccount(ref);
    const request = await this.requests.latestFor(user.id);
    await this.verifyCode(request, code);
    if (confirmPassword !== undefined && confirmPassword !== newPassword) throw new ResetError('password_mismatch');
    this.policy.assert(newPassword);
    const hash = await hashing(() => this.hasher.hash(newPassword));
    const consumed = await this.db.transaction(async (tx) => {
      if (!(await this.requests.consume(tx, request!.id, this.config.reset.maxAttempts))) return false;
      await this.completeReset(tx, user, hash, request!.locale);
      return true;
    });
    // Outside the transaction: on PGlite the transaction holds the only connection.
    if (!consumed) throw this.failed(this.codeStateError(await this.requests.byId(request!.id)) ?? new ResetError('no_reset_requested'));
    this.metrics.passwordResets.inc({ method: 'code' });
    this.mailQueued();
  }

  /**
   * Sets a new password with a link token; the token is used up.
   * `confirmPassword`, when given, must equal the new password.
   */
  @TranslatesResetFailures()
  async resetWithToken(token: string | undefined, newPassword: string, confirmPassword?: string): Promise<void> {
    if (!token) throw new ResetError('token_missing');
    const request = await this.requestForToken(token);
    const user = await this.users.findById(request.userId!);
    if (!user) throw new ResetError('account_deleted');
    if (confirmPassword !== undefined && confirmPassword !== newPassword) throw new ResetError('password_mismatch');
    this.policy.assert(newPassword);
    const hash = await hashing(() => this.hasher.hash(newPassword));
    const consumed = await this.db.transaction(async (tx) => {
      if (!(await this.requests.consume(tx, request.id, null))) return false;
      await this.completeReset(tx, user, hash, request.locale);
      return true;
    });
    if (!consumed) {
      const now = await this.requests.byId(request.id);
      throw this.failed(new ResetError(now && !now.usedAt && !now.supersededAt && now.expired ? 'token_expired' : 'token_invalid'));
    }
    this.metrics.passwordResets.inc({ method: 'token' });
    this.mailQueued();
  }

  /**
   * The live request a token names, without using it. Throws token_invalid for anything
   * unparseable, unknown, superseded or used, token_expired, or account_deleted.
   */
  async requestForToken(token: string): Promise<ResetRequest> {
    const id = this.secrets.parseToken(token);
    const request = id ? await this.requests.byId(id) : null;
    if (!request || !this.secrets.tokenMatches(token, request.tokenHash)) throw this.failed(new ResetError('token_invalid'));
    if (request.usedAt || request.supersededAt) throw this.failed(new ResetError('token_invalid'));
    if (request.expired) throw this.failed(new ResetError('token_expired'));
    if (!request.userId) throw new ResetError('account_deleted');
    return request;
  }

  /**
   * What every password change shares: the new hash, a bumped token version (every access
   * token issued before dies), every session revoked, no outstanding reset secrets, and a
   * notice to every address.
   * Returns the new token version.
   */
  async completeReset(tx: EntityManager, user: User, passwordHash: string, locale: string): Promise<number> {
    const version = await this.users.setPasswordHash(tx, user.id, passwordHash);
    if (version === null) throw new ResetError('account_deleted');
    await this.sessions.revokeAllInTransaction(tx, user.id);
    await this.requests.supersedeOutstanding(tx, user.id);
    await this.outbox.enqueue(
      tx,
      user.emails.map((e) => ({
        to: e.email,
        template: 'password-changed' as const,
        locale: locale as Locale,
        params: { username: user.username, changedAt: utc(new Date()) },
      })),
    );
    return version;
  }

  /**
   * Wakes the mail worker after a transaction that queued mail has committed. The mail itself
   * is durable in the outbox; a failure here (the worker itself broken) is one the outbox cannot
   * absorb, and is reported as `post_commit_failure`: the change is committed, a follow-up is not.
   */
  mailQueued(): void {
    try {
      this.worker.wake();
    } catch (err) {
      throw new ResetError('post_commit_failure', err);
    }
  }

  findAccount(ref: AccountRef): Promise<User | null> {
    if ('login' in ref) return this.users.findByLogin(ref.login);
    return 'username' in ref ? this.users.findByUsername(ref.username) : this.users.findByEmail(ref.email);
  }

  private async requireAccount(ref: AccountRef): Promise<User> {
    const user = await this.findAccount(ref);
    if (!user) throw new ResetError('unknown_account');
    return user;
  }

  private async verifyCode(request: ResetRequest | null, code: string): Promise<void> {
    const state = this.codeStateError(request);
    if (state) throw this.failed(state);
    if (this.secrets.codeMatches(request!.id, code, request!.codeHash)) return;
    const counted = await this.requests.countWrongAttempt(request!.id, this.config.reset.maxAttempts);
    throw this.failed(new ResetError(counted === null ? 'rate_limit_exceeded' : 'code_incorrect'));
  }

  private failed(error: ResetError): ResetError {
    this.metrics.resetFailedAttempts.inc({ reason: error.code });
    return error;
  }

  /** Why a code request cannot be used (null when it can). */
  private codeStateError(request: ResetRequest | null): ResetError | null {
    if (!request || request.usedAt || request.supersededAt) return new ResetError('no_reset_requested');
    if (request.attempts >= this.config.reset.maxAttempts) return new ResetError('rate_limit_exceeded');
    if (request.expired) return new ResetError('code_expired');
    return null;
  }

  /** The hidden-account path: the same throttle bookkeeping a real request does, and nothing else. */
  private async spendThrottleOnly(ref: AccountRef, startedAt: number): Promise<void> {
    const identifier = 'email' in ref ? normalizeEmail(ref.email) : ('username' in ref ? ref.username : ref.login).toLowerCase();
    const subject = `unknown:${createHmac('sha256', this.config.reset.secret).update(identifier).digest('base64url')}`;
    await this.db.transaction((tx) => this.throttle.consume(tx, subject));
    // Writing no request and no mail is faster than the real path: take as long as it does.
    await this.issueDurations.padSince(startedAt);
  }
}
