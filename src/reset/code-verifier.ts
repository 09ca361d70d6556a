import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { User } from '../users/user.entity.js';
import { CodeGuard } from './code-guard.js';
import type { HiddenRequestState } from './hidden-reset-request.entity.js';
import { HiddenResetRequestRepository } from './hidden-reset-request.repository.js';
import { AccountRef, ResetAccounts } from './reset-accounts.js';
import type { ResetCodeState } from './reset-code.entity.js';
import { ResetCodeRepository } from './reset-code.repository.js';
import { ResetError } from './reset-errors.js';
import { CodeGuessingDetected, ResetCommitted, ResetEvents } from './reset-events.js';
import { ResetSecrets } from './reset-secrets.js';

/** Whom a code try is about: a real request of an account, or a hidden name's stand-in. */
export type CodeTarget =
  /** `standIn`: hiding accounts, the key of the name the request was made under (see target). */
  | { kind: 'account'; user: User; request: ResetCodeState | null; standIn?: string }
  | { kind: 'hidden'; subject: string; request: HiddenRequestState | null };

/** A right code of a real request: what consuming it needs. */
export type VerifiedCode = { user: User; request: ResetCodeState };

/** Thrown inside a try's transaction to roll it back when the try could not be counted. */
const NOT_COUNTED = Symbol('not counted');

/** Step two: a code try, counted before it is compared, under the per-request cap and the account's ceiling. */
@Injectable()
export class CodeVerifier {
  /** What a hidden name's code is compared with: no code matches it. */
  private readonly neverMatches = randomBytes(32);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: ResetAccounts,
    private readonly codes: ResetCodeRepository,
    private readonly hidden: HiddenResetRequestRepository,
    private readonly codeGuard: CodeGuard,
    private readonly secrets: ResetSecrets,
    private readonly events: ResetEvents,
    private readonly config: AppConfig,
  ) {}

  /**
   * Whom a code try is about. Without an account that has an address: a 404 unknown_account
   * in the default mode (as the contracts document), the name's stand-in request when hiding.
   */
  async target(ref: AccountRef): Promise<CodeTarget> {
    const user = await this.accounts.find(ref);
    if (!this.config.reset.hideUnknownAccounts) {
      if (!user) throw new ResetError('unknown_account');
      return { kind: 'account', user, request: await this.codes.latestFor(user.id) };
    }
    // Hiding accounts: a code answers only under the name it was requested under. Under any
    // other name of the account it answers like a name without an account (that name's
    // stand-in), so trying a code under a second name does not tell that the two names
    // belong to one account. Both counters of a bound name's tries move together.
    const subject = this.accounts.nameKey(ref);
    if (user && user.emails.length > 0) {
      const { request, bound, standIn } = await this.codes.latestForName(user.id, subject);
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
  async verify(target: CodeTarget, code: string): Promise<VerifiedCode> {
    const request = target.request;
    const state = this.stateError(request);
    if (state) throw this.accounts.failed(state);
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
        ? await this.codes.countTry(tx, (request as ResetCodeState).id, maxAttempts)
        : await this.hidden.countTry(tx, target.subject, maxAttempts);
      if (tries !== null && target.kind === 'account' && target.standIn) await this.hidden.countTry(tx, target.standIn, maxAttempts);
      // Not counted: the transaction rolls back, the slot with it.
      if (tries === null) throw NOT_COUNTED;
      let alerted = false;
      if (slot.reachedCeiling && (await this.codeGuard.firstAlert(tx, ceilingSubject)) && target.kind === 'account') {
        await this.events.emit(new CodeGuessingDetected(tx, target.user, (request as ResetCodeState).locale));
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
        ? this.stateError(target.kind === 'account' ? await this.codes.byId((request as ResetCodeState).id) : await this.hidden.find(target.subject))
        : null;
      throw this.accounts.failed(now ?? new ResetError('rate_limit_exceeded'));
    }
    if (counted.alerted && !this.config.reset.hideUnknownAccounts) await this.events.emit(new ResetCommitted('guessing-detected'));
    const matches = target.kind === 'account'
      ? this.secrets.codeMatches((request as ResetCodeState).id, code, (request as ResetCodeState).codeHash)
      : this.secrets.codeMatches(randomUUID(), code, this.neverMatches);
    if (!matches) throw this.accounts.failed(new ResetError('code_incorrect'));
    await this.codeGuard.release(counted.slot.id);
    // verify only gets here for a real request's right code.
    return { user: (target as Extract<CodeTarget, { kind: 'account' }>).user, request: request as ResetCodeState };
  }

  /** Why a code request cannot be used (null when it can). */
  stateError(request: ResetCodeState | HiddenRequestState | null): ResetError | null {
    if (!request || request.status === 'retired') return new ResetError('no_reset_requested');
    if (request.attempts >= this.config.reset.maxAttempts) return new ResetError('rate_limit_exceeded');
    if (request.status === 'expired') return new ResetError('code_expired');
    return null;
  }
}
