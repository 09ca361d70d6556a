import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { tooManyResetRequests } from '../common/error-catalogue.js';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../observability/metrics.js';
import { DurationSampler } from './duration-sampler.js';
import { HiddenResetRequestRepository } from './hidden-reset-request.repository.js';
import { AccountRef, ResetAccounts } from './reset-accounts.js';
import { ResetCodeRepository } from './reset-code.repository.js';
import { ResetError } from './reset-errors.js';
import { ResetCommitted, ResetEvents, ResetIssued, ResetPurpose } from './reset-events.js';
import { ResetSecrets } from './reset-secrets.js';
import { SendThrottle } from './send-throttle.js';

export interface RequestResetOptions {
  /**
   * Answer this request as RESET_HIDE_UNKNOWN_ACCOUNTS would, whatever the setting: for a
   * caller that promises the same answer for every address (the hosted request page).
   */
  conceal?: boolean;
  /** What the email asks for: a reset (the default), or a first password for an account an administrator created. */
  purpose?: ResetPurpose;
}

/** Step one: issue a code and a link token (ResetIssued), within the send budgets. */
@Injectable()
export class ResetIssuer {
  /** How long issuing a real request took lately (see answerHidden). */
  private readonly issueDurations = new DurationSampler();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: ResetAccounts,
    private readonly codes: ResetCodeRepository,
    private readonly hidden: HiddenResetRequestRepository,
    private readonly secrets: ResetSecrets,
    private readonly throttle: SendThrottle,
    private readonly events: ResetEvents,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Issues a new request (superseding older ones) for every address of the account whose
   * budgets allow it.
   *
   * Budgets (RESET_SEND_LIMIT per RESET_SEND_WINDOW_SECONDS each): one per name as typed, for
   * every name whether or not it has an account (429 when spent); one per account; one per
   * delivery mailbox. In the default mode a spent account budget answers 429 too. When hiding
   * accounts (RESET_HIDE_UNKNOWN_ACCOUNTS, or `conceal`) only the per-name budget is ever
   * answered: a spent account or mailbox budget issues the request but for no address, so no
   * sequence of requests through several names of one account answers differently from names
   * without an account. There, an unknown name (or an account without an address) gets a
   * stand-in request (HiddenResetRequestRepository), the same time (a drawn recent real
   * duration), and no email; and no ResetCommitted follows a request (its mail goes at the next
   * poll), so the work done after a real request does not slow the requests that follow.
   */
  async requestReset(ref: AccountRef, locale: string, options: RequestResetOptions = {}): Promise<void> {
    const startedAt = performance.now();
    const hiding = this.config.reset.hideUnknownAccounts || options.conceal === true;
    const name = this.accounts.nameKey(ref);
    const user = await this.accounts.find(ref);
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
      const addressOf = new Map(user.emails.map((e) => [`mailbox:${this.accounts.keys.of(e.email)}`, e.email]));
      const taken = await this.throttle.takeRequest(tx, { name: `name:${name}`, account: `account:${user.id}`, mailboxes: [...addressOf.keys()] });
      if (taken.nameWait !== null) throw tooManyResetRequests(taken.nameWait);
      if (taken.accountWait !== null && !hiding) throw tooManyResetRequests(taken.accountWait);
      const recipients = taken.mailboxes.map((mailbox) => addressOf.get(mailbox)!);
      await this.codes.supersedeOutstanding(tx, user.id);
      await this.codes.insert(tx, { id, userId: user.id, codeHash, tokenHash, locale, ttlSeconds });
      // Hiding accounts: the code is bound to the name it was requested under (see CodeVerifier.target).
      if (this.config.reset.hideUnknownAccounts) await this.hidden.renew(tx, name, ttlSeconds);
      await this.events.emit(new ResetIssued(tx, user, recipients, code, link, expiresAt, locale, options.purpose ?? 'reset'));
    });
    this.issueDurations.record(performance.now() - startedAt);
    // Hiding accounts: one outcome for every accepted request, known or not.
    this.metrics.resetRequests.inc({ outcome: hiding ? 'accepted' : 'issued' });
    if (!hiding) await this.events.emit(new ResetCommitted('issued'));
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
