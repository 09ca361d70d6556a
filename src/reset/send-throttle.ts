import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { tooManyResetRequests } from '../common/error-catalogue.js';
import { AppConfig } from '../config/app-config.js';
import { SendThrottleHitRepository } from './send-throttle-hit.repository.js';

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
    const { sendLimit, sendWindowSeconds } = this.config.reset;
    await this.hits.lockSubject(tx, subject);
    const { hits, retryAfter } = await this.hits.countHit(tx, subject, sendWindowSeconds, sendLimit);
    return hits >= sendLimit ? retryAfter : null;
  }
}
