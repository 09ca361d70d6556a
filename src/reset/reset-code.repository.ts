import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OneTimeSecretUpdates } from './one-time-secret.js';
import { hiddenRequestStatus, type HiddenRequestState } from './hidden-reset-request.entity.js';
import { ResetCode, resetCodeStatus, type ResetCodeState, type ResetCodeStatus } from './reset-code.entity.js';

export interface NewResetCode {
  id: string;
  userId: string;
  codeHash: Buffer;
  tokenHash: Buffer;
  locale: string;
  ttlSeconds: number;
}

/** The newest request of an account together with the stand-in of the name it is tried under. */
export interface CodeUnderName {
  request: ResetCodeState | null;
  /** The request was issued under this name (see latestForName). */
  bound: boolean;
  standIn: HiddenRequestState | null;
}

const TABLE = 'reset_requests';

/** A row of latestForName: the request's columns (all NULL without one) and the stand-in's. */
interface LatestForNameRow {
  id: string | null;
  user_id: string | null;
  code_hash: Uint8Array | null;
  token_hash: Uint8Array | null;
  attempts: number | null;
  locale: string | null;
  created_at: Date | null;
  expires_at: Date | null;
  used_at: Date | null;
  superseded_at: Date | null;
  status: ResetCodeStatus | null;
  h_attempts: number | null;
  h_status: 'live' | 'expired';
  bound: boolean | null;
}

/** The reset_requests table. One query per method; state changes are conditional updates. */
@Injectable()
export class ResetCodeRepository {
  constructor(@InjectRepository(ResetCode) private readonly codes: Repository<ResetCode>) {}

  private async selectOne(where: string, parameters: Record<string, unknown>, newest = false): Promise<ResetCodeState | null> {
    const query = this.codes
      .createQueryBuilder('rc')
      .addSelect(resetCodeStatus('rc'), 'status')
      .where(where, parameters);
    if (newest) query.orderBy('rc.created_at', 'DESC').limit(1);
    const { entities, raw } = await query.getRawAndEntities<{ status: ResetCodeStatus }>();
    return entities[0] ? Object.assign(entities[0], { status: raw[0].status }) : null;
  }

  /** The account's newest request that a newer one has not superseded. */
  latestFor(userId: string): Promise<ResetCodeState | null> {
    return this.selectOne('rc.user_id = :userId AND rc.superseded_at IS NULL', { userId }, true);
  }

  byId(id: string): Promise<ResetCodeState | null> {
    return this.selectOne('rc.id = :id', { id });
  }

  /**
   * With RESET_HIDE_UNKNOWN_ACCOUNTS, in one query: the account's newest request, whether it was
   * requested under the name whose stand-in key is `subject` (the request and the name's
   * stand-in are written in one transaction, so they share `created_at`), and that stand-in.
   * Raw SQL: TypeORM's query builder has no LATERAL join, and two queries would cost every code
   * try a second round trip.
   */
  async latestForName(userId: string, subject: string): Promise<CodeUnderName> {
    const [row] = (await this.codes.query(
      `SELECT r.*, h.attempts AS h_attempts, ${hiddenRequestStatus('h')} AS h_status, h.created_at = r.created_at AS bound
         FROM (SELECT $2::varchar AS subject) s
         LEFT JOIN hidden_reset_requests h ON h.subject = s.subject
         LEFT JOIN LATERAL (SELECT *, ${resetCodeStatus(TABLE)} AS status FROM ${TABLE}
                             WHERE user_id = $1 AND superseded_at IS NULL ORDER BY created_at DESC LIMIT 1) r ON true`,
      [userId, subject],
    )) as LatestForNameRow[];
    const request: ResetCodeState | null = row.id
      ? Object.assign(this.codes.create({
          id: row.id,
          userId: row.user_id,
          codeHash: Buffer.from(row.code_hash!),
          tokenHash: Buffer.from(row.token_hash!),
          attempts: row.attempts!,
          locale: row.locale!,
          createdAt: row.created_at!,
          expiresAt: row.expires_at!,
          usedAt: row.used_at,
          supersededAt: row.superseded_at,
        }), { status: row.status! })
      : null;
    return {
      request,
      bound: row.bound === true,
      standIn: row.h_attempts === null ? null : { attempts: row.h_attempts, status: row.h_status },
    };
  }

  async insert(tx: EntityManager, code: NewResetCode): Promise<void> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(ResetCode)
      .values({
        id: code.id,
        userId: code.userId,
        codeHash: code.codeHash,
        tokenHash: code.tokenHash,
        locale: code.locale,
        expiresAt: () => 'now() + make_interval(secs => :ttlSeconds)',
      })
      .setParameter('ttlSeconds', code.ttlSeconds)
      .execute();
  }

  /** Deletes every reset request of the account in `tx` (its erasure). */
  async deleteForUser(tx: EntityManager, userId: string): Promise<void> {
    await tx.createQueryBuilder().delete().from(ResetCode).where('user_id = :userId', { userId }).execute();
  }

  /** Retires the account's outstanding requests (a new request, or a completed reset). */
  async supersedeOutstanding(tx: EntityManager, userId: string): Promise<void> {
    await tx
      .createQueryBuilder()
      .update(ResetCode)
      .set({ supersededAt: () => 'now()' })
      .where('user_id = :userId AND used_at IS NULL AND superseded_at IS NULL', { userId })
      .execute();
  }

  private readonly updates = new OneTimeSecretUpdates(ResetCode, TABLE, resetCodeStatus);

  /** Counts one try before its code is compared (see OneTimeSecretUpdates.countTry). */
  countTry(tx: EntityManager, id: string, maxAttempts: number): Promise<number | null> {
    return this.updates.countTry(tx, id, maxAttempts);
  }

  /**
   * Marks the request used if it is still live: one of concurrent callers gets true. (A code's
   * try was counted by countTry before its comparison, so no cap applies here.)
   */
  consume(tx: EntityManager, id: string): Promise<boolean> {
    return this.updates.consume(tx, id);
  }
}
