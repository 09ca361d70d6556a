import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { Locale } from '../mail/locale.js';
import { MailDeliveryWorker } from '../mail/mail-delivery.worker.js';
import { MailOutbox } from '../mail/mail-outbox.js';
import { AccountEvents } from '../events/account-events.js';
import { Metrics } from '../observability/metrics.js';
import { PasswordHasher } from '../password/password-hasher.js';
import { PasswordPolicy } from '../password/password-policy.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { User } from '../users/user.entity.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { UsersService } from '../users/users.service.js';
import { CodeGuard } from './code-guard.js';
import { DurationSampler } from './duration-sampler.js';
import { ResetError } from './reset-errors.js';
import type { HiddenRequestState } from './hidden-reset-request.entity.js';
import { HiddenResetRequestRepository } from './hidden-reset-request.repository.js';
import { IdentifierKeys } from './identifiers.js';
import { hashing, TranslatesResetFailures } from './reset-failures.js';
import type { ResetCodeState } from './reset-code.entity.js';
import { ResetCodeRepository } from './reset-code.repository.js';
import { ResetSecrets } from './reset-secrets.js';
import { SendThrottle, tooManyRequests } from './send-throttle.js';

/**
 * How a contract names the account: the username-code contract by username, the others by email, and the code
 * page by either (`login`: an email address when one matches, else a username).
 */
export type AccountRef = { username: string } | { email: string } | { login: string };

export interface RequestResetOptions {
  /**
   * Answer this request as RESET_HIDE_UNKNOWN_ACCOUNTS would, whatever the setting: for a
   * caller that promises the same answer for every address (the hosted request page).
   */
  conceal?: boolean;
}

/** Whom a code try is about: a real request of an account, or a hidden name's stand-in. */
type CodeTarget =
  /** `standIn`: hiding accounts, the key of the name the request was made under (see codeTarget). */
  | { kind: 'account'; user: User; request: ResetCodeState | null; standIn?: string }
  | { kind: 'hidden'; subject: string; request: HiddenRequestState | null };

/** Thrown inside a try's transaction to roll it back when the try could not be counted. */
const NOT_COUNTED = Symbol('not counted');

const utc = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

/**
 * The reset core every contract shares: issue a request (a 6-digit code and a link token,
 * mailed through the outbox), verify a code, and consume a code or token exactly once while
 * setting the new password. Contracts only translate their bodies and errors.
 */
@Injectable()
export class PasswordResetService {
  /** How long issuing a real request took lately (see answerHidden). */
  private readonly issueDurations = new DurationSampler();
  private readonly keys: IdentifierKeys;
  /** What a hidden name's code is compared with: no code matches it. */
  private readonly neverMatches = randomBytes(32);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly requests: ResetCodeRepository,
    private readonly secrets: ResetSecrets,
    private readonly throttle: SendThrottle,
    private readonly outbox: MailOutbox,
    private readonly worker: MailDeliveryWorker,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly codeGuard: CodeGuard,
    private readonly hidden: HiddenResetRequestRepository,
    private readonly loginThrottle: LoginThrottle,
    private readonly events: AccountEvents,
    private readonly sessions: SessionsService,
  ) {
    this.keys = new IdentifierKeys(config.reset.secret);
  }

  /**
   * Issues a new request (superseding older ones) and queues one email per address of the
   * account.
   *
   * Budgets (RESET_SEND_LIMIT per RESET_SEND_WINDOW_SECONDS each): one per name as typed, for
   * every name whether or not it has an account (429 when spent); one per account; one per
   * delivery mailbox. In the default mode a spent account budget answers 429 too. When hiding
   * accounts (RESET_HIDE_UNKNOWN_ACCOUNTS, or `conceal`) only the per-name budget is ever
   * answered: a spent account or mailbox budget issues the request but sends no email, so no
   * sequence of requests through several names of one account answers differently from names
   * without an account. There, an unknown name (or an account without an address) gets a
   * stand-in request (HiddenRequests), the same time (a drawn recent real duration), and no
   * email; and the mail worker is not woken by the request (it finds the mail at its next poll),
   * so the work it does after a real request does not slow the requests that follow.
   */
  async requestReset(ref: AccountRef, locale: Locale, options: RequestResetOptions = {}): Promise<void> {
    const startedAt = performance.now();
    const hiding = this.config.reset.hideUnknownAccounts || options.conceal === true;
    const name = this.keys.of(this.refName(ref));
    const user = await this.findAccount(ref);
    const deliverable = user && user.emails.length > 0;
    if (!deliverable) {
      if (!hiding) {
        const outcome = user ? 'no_email_addresses' : 'unknown_account';
        this.metrics.resetRequests.inc({ outcome });
        throw new ResetError(outcome);
      }
      return this.answerHidden(name, startedAt);
    }
    const id = randomUUID();
    const { code, token, codeHash, tokenHash } = this.secrets.issue(id);
    const { ttlSeconds, linkUrl } = this.config.reset;
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const link = `${linkUrl}${linkUrl.includes('?') ? '&' : '?'}token=${token}`;
    await this.db.transaction(async (tx) => {
      await this.throttle.consume(tx, `name:${name}`);
      const accountWait = await this.throttle.take(tx, `account:${user.id}`);
      if (accountWait !== null && !hiding) throw tooManyRequests(accountWait);
      const recipients = [];
      if (accountWait === null) {
        for (const e of user.emails) {
          if ((await this.throttle.take(tx, `mailbox:${this.keys.of(e.email)}`)) === null) recipients.push(e.email);
        }
      }
      await this.requests.supersedeOutstanding(tx, user.id);
      await this.requests.insert(tx, { id, userId: user.id, codeHash, tokenHash, locale, ttlSeconds });
      // Hiding accounts: the code is bound to the name it was requested under (see codeTarget).
      if (this.config.reset.hideUnknownAccounts) await this.hidden.renew(tx, name, ttlSeconds);
      await this.outbox.enqueue(
        tx,
        recipients.map((to) => ({
          to,
          template: 'reset-code' as const,
          locale,
          params: { username: user.username, code, link, ttlMinutes: Math.round(ttlSeconds / 60), expiresAt: utc(expiresAt) },
        })),
      );
    });
    this.issueDurations.record(performance.now() - startedAt);
    // Hiding accounts: one outcome for every accepted request, known or not.
    this.metrics.resetRequests.inc({ outcome: hiding ? 'accepted' : 'issued' });
    if (!hiding) this.worker.wake();
  }

  /** Checks a code without using it. Every try counts toward the request's cap (see verifyCode). */
  async checkCode(ref: AccountRef, code: string): Promise<void> {
    await this.verifyCode(await this.codeTarget(ref), code);
  }

  /**
   * Sets a new password with the account's current code; the code is used up.
   * `confirmPassword`, when given, must equal the new password.
   */
  @TranslatesResetFailures()
  async resetWithCode(ref: AccountRef, code: string, newPassword: string, confirmPassword?: string): Promise<void> {
    const target = await this.codeTarget(ref);
    await this.verifyCode(target, code);
    // verifyCode only returns for a real request's right code.
    const { user, request } = target as Extract<CodeTarget, { kind: 'account' }>;
    if (confirmPassword !== undefined && confirmPassword !== newPassword) throw new ResetError('password_mismatch');
    this.policy.assert(newPassword);
    const hash = await hashing(() => this.hasher.hash(newPassword));
    const consumed = await this.db.transaction(async (tx) => {
      if (!(await this.requests.consume(tx, request!.id))) return false;
      await this.completeReset(tx, user, hash, request!.locale);
      await this.events.record(tx, { type: 'password.reset', accountId: user.id, data: { method: 'code' } });
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
      if (!(await this.requests.consume(tx, request.id))) return false;
      await this.completeReset(tx, user, hash, request.locale);
      await this.events.record(tx, { type: 'password.reset', accountId: user.id, data: { method: 'link' } });
      return true;
    });
    if (!consumed) {
      const now = await this.requests.byId(request.id);
      throw this.failed(new ResetError(now?.status === 'expired' ? 'token_expired' : 'token_invalid'));
    }
    this.metrics.passwordResets.inc({ method: 'token' });
    this.mailQueued();
  }

  /**
   * The live request a token names, without using it. Throws token_invalid for anything
   * unparseable, unknown, superseded or used, token_expired, or account_deleted.
   */
  async requestForToken(token: string): Promise<ResetCodeState> {
    const id = this.secrets.parseToken(token);
    const request = id ? await this.requests.byId(id) : null;
    if (!request || !this.secrets.tokenMatches(token, request.tokenHash)) throw this.failed(new ResetError('token_invalid'));
    if (request.status === 'retired') throw this.failed(new ResetError('token_invalid'));
    if (request.status === 'expired') throw this.failed(new ResetError('token_expired'));
    if (!request.userId) throw new ResetError('account_deleted');
    return request;
  }

  /**
   * What every password change shares: the new hash, a bumped token version (every access
   * token issued before dies), every session revoked, no outstanding reset secrets, the code
   * ceiling and every login throttle of the account lifted, and a notice to every address.
   * Returns the new token version.
   */
  async completeReset(tx: EntityManager, user: User, passwordHash: string, locale: string): Promise<number> {
    const version = await this.users.setPasswordHash(tx, user.id, passwordHash);
    if (version === null) throw new ResetError('account_deleted');
    await this.sessions.revokeAllInTransaction(tx, user.id);
    await this.requests.supersedeOutstanding(tx, user.id);
    // The owner is back in control: no code ceiling and no login throttle hold the account.
    await this.codeGuard.clear(tx, `account:${user.id}`);
    for (const name of this.keys.ofAccount(user)) await this.codeGuard.clear(tx, `hidden:${name}`);
    await this.loginThrottle.liftAccount(tx, user);
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

  /** The name a reference carries, as typed. */
  private refName(ref: AccountRef): string {
    return 'email' in ref ? ref.email : 'username' in ref ? ref.username : ref.login;
  }

  /**
   * Whom a code try is about. Without an account that has an address: a 404 unknown_account
   * in the default mode (as the contracts document), the name's stand-in request when hiding.
   */
  private async codeTarget(ref: AccountRef): Promise<CodeTarget> {
    const user = await this.findAccount(ref);
    if (!this.config.reset.hideUnknownAccounts) {
      if (!user) throw new ResetError('unknown_account');
      return { kind: 'account', user, request: await this.requests.latestFor(user.id) };
    }
    // Hiding accounts: a code answers only under the name it was requested under. Under any
    // other name of the account it answers like a name without an account (that name's
    // stand-in), so trying a code under a second name does not tell that the two names
    // belong to one account. Both counters of a bound name's tries move together.
    const subject = this.keys.of(this.refName(ref));
    if (user && user.emails.length > 0) {
      const { request, bound, standIn } = await this.requests.latestForName(user.id, subject);
      if (bound) return { kind: 'account', user, request, standIn: subject };
      return { kind: 'hidden', subject, request: standIn };
    }
    return { kind: 'hidden', subject, request: await this.hidden.find(subject) };
  }

  /**
   * One code try. It is counted before the code is compared, in one transaction: a slot under
   * the account's ceiling of wrong codes (RESET_MAX_CODE_FAILURES), and a try of the request
   * (RESET_MAX_ATTEMPTS). Of any number of concurrent tries at most RESET_MAX_ATTEMPTS are
   * compared; the rest answer rate_limit_exceeded. Right tries count toward the cap too (the
   * cap is "12 tries"); a right code gives its ceiling slot back. Returns only for a right code.
   */
  private async verifyCode(target: CodeTarget, code: string): Promise<void> {
    const request = target.request;
    const state = this.codeStateError(request);
    if (state) throw this.failed(state);
    const { maxAttempts } = this.config.reset;
    // Hiding accounts, the ceiling is per name for everyone (a per-account one would tell, once
    // spent under one name, that another name is the account's); otherwise per account.
    const ceilingSubject = target.kind === 'hidden'
      ? `hidden:${target.subject}`
      : target.standIn ? `hidden:${target.standIn}` : `account:${target.user.id}`;
    const counted = await this.db.transaction(async (tx) => {
      const slot = await this.codeGuard.reserve(tx, ceilingSubject);
      if (slot === null) return { refused: 'ceiling' as const };
      const tries = target.kind === 'account'
        ? await this.requests.countTry(tx, (request as ResetCodeState).id, maxAttempts)
        : await this.hidden.countTry(tx, target.subject, maxAttempts);
      if (tries !== null && target.kind === 'account' && target.standIn) await this.hidden.countTry(tx, target.standIn, maxAttempts);
      // Not counted: the transaction rolls back, the slot with it.
      if (tries === null) throw NOT_COUNTED;
      let alerted = false;
      if (slot.reachedCeiling && (await this.codeGuard.firstAlert(tx, ceilingSubject)) && target.kind === 'account') {
        await this.outbox.enqueue(
          tx,
          target.user.emails.map((e) => ({
            to: e.email,
            template: 'code-guessing-alert' as const,
            locale: (request as ResetCodeState).locale as Locale,
            params: { username: target.user.username, attemptedAt: utc(new Date()) },
          })),
        );
        alerted = target.user.emails.length > 0;
      }
      return { slot, alerted };
    }).catch((err: unknown) => {
      if (err === NOT_COUNTED) return { refused: 'cap' as const };
      throw err;
    });
    if ('refused' in counted) {
      // The cap was reached by a concurrent try, or the request stopped being usable meanwhile.
      const now = counted.refused === 'cap'
        ? this.codeStateError(target.kind === 'account' ? await this.requests.byId((request as ResetCodeState).id) : await this.hidden.find(target.subject))
        : null;
      throw this.failed(now ?? new ResetError('rate_limit_exceeded'));
    }
    if (counted.alerted && !this.config.reset.hideUnknownAccounts) this.worker.wake();
    const matches = target.kind === 'account'
      ? this.secrets.codeMatches((request as ResetCodeState).id, code, (request as ResetCodeState).codeHash)
      : this.secrets.codeMatches(randomUUID(), code, this.neverMatches);
    if (matches) return this.codeGuard.release(counted.slot.id);
    throw this.failed(new ResetError('code_incorrect'));
  }

  private failed(error: ResetError): ResetError {
    this.metrics.resetFailedAttempts.inc({ reason: error.code });
    return error;
  }

  /** Why a code request cannot be used (null when it can). */
  private codeStateError(request: ResetCodeState | HiddenRequestState | null): ResetError | null {
    if (!request || request.status === 'retired') return new ResetError('no_reset_requested');
    if (request.attempts >= this.config.reset.maxAttempts) return new ResetError('rate_limit_exceeded');
    if (request.status === 'expired') return new ResetError('code_expired');
    return null;
  }

  /**
   * Hiding accounts, for a name without a deliverable account: the per-name budget a real
   * request spends, a fresh stand-in request for the code routes, no email, and the time a
   * real request takes.
   */
  private async answerHidden(name: string, startedAt: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.throttle.consume(tx, `name:${name}`);
      await this.hidden.renew(tx, name, this.config.reset.ttlSeconds);
    });
    this.metrics.resetRequests.inc({ outcome: 'accepted' });
    // Writing no request and no mail is faster than the real path: take as long as it does.
    await this.issueDurations.padSince(startedAt);
  }
}
