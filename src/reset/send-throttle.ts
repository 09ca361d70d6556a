import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { tooManyResetRequests } from '../common/error-catalogue.js';
import { AppConfig } from '../config/app-config.js';
import { SendThrottleHitRepository, SubjectHits } from './send-throttle-hit.repository.js';

/** The budgets one reset request spends: its name's, its account's and its mailboxes'. */
export interface RequestBudgets {
  name: string;
  account: string;
  mailboxes: string[];
}

/** What takeRequest() counted. */
export interface RequestBudgetsTaken {
  /** Seconds until the name's budget allows a request again; null when a hit was counted. */
  nameWait: number | null;
  /** The same for the account's budget; null as well when the name's was spent (not reached). */
  accountWait: number | null;
  /** The mailboxes whose budgets counted a hit: none unless the name's and the account's did. */
  mailboxes: string[];
}

/**
 * At most RESET_SEND_LIMIT reset requests per subject (an account name, an account, a delivery
 * mailbox) per window, counted across every instance.
 */
export abstract class SendThrottle {
  /**
   * Counts one hit when the subject's budget allows it and returns null; when the budget is
   * spent, counts nothing and returns the seconds until it allows one again.
   */
  abstract take(tx: EntityManager, subject: string): Promise<number | null>;

  /**
   * One reset request's budgets, in order: the name's; the account's when the name's allows
   * it; each mailbox's when the account's allows it too.
   */
  async takeRequest(tx: EntityManager, budgets: RequestBudgets): Promise<RequestBudgetsTaken> {
    const nameWait = await this.take(tx, budgets.name);
    if (nameWait !== null) return { nameWait, accountWait: null, mailboxes: [] };
    const accountWait = await this.take(tx, budgets.account);
    if (accountWait !== null) return { nameWait, accountWait, mailboxes: [] };
    const mailboxes = [];
    for (const mailbox of budgets.mailboxes) if ((await this.take(tx, mailbox)) === null) mailboxes.push(mailbox);
    return { nameWait, accountWait, mailboxes };
  }

  /** take(), with a spent budget thrown as a 429 ApiError with Retry-After. */
  async consume(tx: EntityManager, subject: string): Promise<void> {
    const retryAfter = await this.take(tx, subject);
    if (retryAfter !== null) throw tooManyResetRequests(retryAfter);
  }
}

/** PostgreSQL storage: an advisory lock per subject makes count-then-insert atomic across instances. */
@Injectable()
export class PostgresSendThrottle extends SendThrottle {
  constructor(
    private readonly hits: SendThrottleHitRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async take(tx: EntityManager, subject: string): Promise<number | null> {
    const [hits] = await this.count(tx, [{ subject, tier: 0 }]);
    return this.waitOf(hits);
  }

  /** takeRequest() in two statements, whatever the number of budgets. */
  override async takeRequest(tx: EntityManager, budgets: RequestBudgets): Promise<RequestBudgetsTaken> {
    const counted = await this.count(tx, [
      { subject: budgets.name, tier: 0 },
      { subject: budgets.account, tier: 1 },
      ...budgets.mailboxes.map((subject) => ({ subject, tier: 2 })),
    ]);
    const waitOf = (subject: string) => this.waitOf(counted.find((c) => c.subject === subject));
    const nameWait = waitOf(budgets.name);
    const accountWait = nameWait === null ? waitOf(budgets.account) : null;
    const reached = nameWait === null && accountWait === null;
    return { nameWait, accountWait, mailboxes: reached ? budgets.mailboxes.filter((m) => waitOf(m) === null) : [] };
  }

  private async count(tx: EntityManager, subjects: { subject: string; tier: number }[]): Promise<SubjectHits[]> {
    const { sendLimit, sendWindowSeconds } = this.config.reset;
    await this.hits.lockSubjects(tx, subjects.map((s) => s.subject));
    return this.hits.countHits(tx, subjects, sendWindowSeconds, sendLimit);
  }

  private waitOf(counted: SubjectHits | undefined): number | null {
    if (!counted) throw new Error('send throttle: a subject was not counted');
    return counted.hits >= this.config.reset.sendLimit ? counted.retryAfter : null;
  }
}
