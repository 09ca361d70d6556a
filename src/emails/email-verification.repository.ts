import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OneTimeSecretUpdates } from '../reset/one-time-secret.js';
import { resetCodeStatus, type ResetCodeStatus } from '../reset/reset-code.entity.js';
import { EmailVerification, type EmailVerificationState } from './email-verification.entity.js';

export interface NewEmailVerification {
  id: string;
  userId: string;
  email: string;
  codeHash: Buffer;
  tokenHash: Buffer;
  locale: string;
  ttlSeconds: number;
}

const TABLE = 'email_verifications';

/** The email_verifications table. One query per method; state changes are conditional updates. */
@Injectable()
export class EmailVerificationRepository {
  constructor(@InjectRepository(EmailVerification) private readonly rows: Repository<EmailVerification>) {}

  private async selectOne(where: string, parameters: Record<string, unknown>): Promise<EmailVerificationState | null> {
    const { entities, raw } = await this.rows
      .createQueryBuilder('ev')
      .addSelect(resetCodeStatus('ev'), 'status')
      .where(where, parameters)
      .orderBy('ev.created_at', 'DESC')
      .limit(1)
      .getRawAndEntities<{ status: ResetCodeStatus }>();
    return entities[0] ? Object.assign(entities[0], { status: raw[0].status }) : null;
  }

  /** The address's newest verification that a newer one has not superseded. */
  latestFor(email: string): Promise<EmailVerificationState | null> {
    return this.selectOne('ev.email = :email AND ev.superseded_at IS NULL', { email });
  }

  byId(id: string): Promise<EmailVerificationState | null> {
    return this.selectOne('ev.id = :id', { id });
  }

  async insert(tx: EntityManager, row: NewEmailVerification): Promise<void> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(EmailVerification)
      .values({
        id: row.id,
        userId: row.userId,
        email: row.email,
        codeHash: row.codeHash,
        tokenHash: row.tokenHash,
        locale: row.locale,
        expiresAt: () => 'now() + make_interval(secs => :ttlSeconds)',
      })
      .setParameter('ttlSeconds', row.ttlSeconds)
      .execute();
  }

  /** Retires the address's outstanding verifications (a new one is issued, or the address goes). */
  async supersedeOutstanding(tx: EntityManager, email: string): Promise<void> {
    await tx
      .createQueryBuilder()
      .update(EmailVerification)
      .set({ supersededAt: () => 'now()' })
      .where('email = :email AND used_at IS NULL AND superseded_at IS NULL', { email })
      .execute();
  }

  private readonly updates = new OneTimeSecretUpdates(EmailVerification, TABLE, resetCodeStatus);

  /** Counts one code try before the code is compared (see OneTimeSecretUpdates.countTry). */
  countTry(id: string, maxAttempts: number): Promise<number | null> {
    return this.updates.countTry(this.rows.manager, id, maxAttempts);
  }

  /** Marks the verification used if it is still live: of concurrent callers exactly one gets true. */
  consume(tx: EntityManager, id: string): Promise<boolean> {
    return this.updates.consume(tx, id);
  }
}
