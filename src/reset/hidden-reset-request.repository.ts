import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { HiddenResetRequest, hiddenRequestStatus, type HiddenRequestState } from './hidden-reset-request.entity.js';

const TABLE = 'hidden_reset_requests';

/**
 * With RESET_HIDE_UNKNOWN_ACCOUNTS, a name that has no account (or an account without an email
 * address) gets a stand-in request when a reset is requested for it, so the code routes answer
 * it like a known account whose codes are always wrong: RESET_MAX_ATTEMPTS tries, then
 * `rate_limit_exceeded`, `code_expired` after RESET_TTL_SECONDS, and a fresh request resets the
 * tries. Keyed by an HMAC of the name (IdentifierKeys), never the name itself.
 */
@Injectable()
export class HiddenResetRequestRepository {
  constructor(@InjectRepository(HiddenResetRequest) private readonly requests: Repository<HiddenResetRequest>) {}

  async find(subject: string): Promise<HiddenRequestState | null> {
    const row = await this.requests
      .createQueryBuilder('h')
      .select('h.attempts', 'attempts')
      .addSelect(hiddenRequestStatus('h'), 'status')
      .where('h.subject = :subject', { subject })
      .getRawOne<HiddenRequestState>();
    return row ?? null;
  }

  /** A fresh request: no tries yet, a new expiry. */
  async renew(tx: EntityManager, subject: string, ttlSeconds: number): Promise<void> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(HiddenResetRequest)
      .values({
        subject,
        attempts: 0,
        expiresAt: () => 'now() + make_interval(secs => :ttlSeconds)',
        createdAt: () => 'now()',
      })
      .setParameter('ttlSeconds', ttlSeconds)
      .orUpdate(['attempts', 'expires_at', 'created_at'], ['subject'])
      .execute();
  }

  /** Counts one try if the cap allows it (as ResetCodeRepository.countTry); null when it does not. */
  async countTry(tx: EntityManager, subject: string, maxAttempts: number): Promise<number | null> {
    const result = await tx
      .createQueryBuilder()
      .update(HiddenResetRequest)
      .set({ attempts: () => 'attempts + 1' })
      .where('subject = :subject AND attempts < :maxAttempts', { subject, maxAttempts })
      .andWhere(`${hiddenRequestStatus(TABLE)} = 'live'`)
      .returning(['attempts'])
      .execute();
    return (result.raw as { attempts: number }[])[0]?.attempts ?? null;
  }
}
