import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, In, Repository } from 'typeorm';
import { AccountEvent } from './account-event.entity.js';
import { EventDelivery } from './event-delivery.entity.js';

/** A delivery leased to this worker, with its event. */
export interface ClaimedDelivery {
  id: string;
  destination: string;
  attempts: number;
  event: AccountEvent;
}

/** The account_events and event_deliveries tables. One query (or one claiming transaction) per method. */
@Injectable()
export class EventDeliveries {
  constructor(
    @InjectRepository(AccountEvent) private readonly events: Repository<AccountEvent>,
    @InjectRepository(EventDelivery) private readonly deliveries: Repository<EventDelivery>,
  ) {}

  /** Writes events and one pending delivery per (event, destination), in the caller's transaction. */
  async insert(tx: EntityManager, events: AccountEvent[], destinations: string[]): Promise<void> {
    if (!events.length) return;
    await tx.getRepository(AccountEvent).insert(events);
    const rows = events.flatMap((e) => destinations.map((destination) => ({ eventId: e.id, destination })));
    if (rows.length) await tx.getRepository(EventDelivery).insert(rows);
  }

  /**
   * Leases up to `limit` due deliveries to one of `destinations`. SKIP LOCKED keeps concurrent
   * workers (other instances) off the same rows; a lease that runs out (a crashed worker) makes
   * the delivery due again.
   */
  async claimDue(destinations: string[], limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    if (!destinations.length) return [];
    return this.deliveries.manager.transaction(async (tx) => {
      const due = await tx
        .getRepository(EventDelivery)
        .createQueryBuilder('d')
        .select('d.id')
        .where('d.destination IN (:...destinations)', { destinations })
        .andWhere(
          new Brackets((q) =>
            q
              .where(`d.status = 'pending' AND d.next_attempt_at <= now()`)
              .orWhere(`d.status = 'sending' AND d.lease_until < now()`),
          ),
        )
        .orderBy('d.id')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (!due.length) return [];
      const ids = due.map((d) => d.id);
      await tx
        .createQueryBuilder()
        .update(EventDelivery)
        .set({
          status: 'sending',
          attempts: () => 'attempts + 1',
          leaseUntil: () => 'now() + make_interval(secs => :lease)',
        })
        .setParameter('lease', leaseSeconds)
        .whereInIds(ids)
        .execute();
      const claimed = await tx.getRepository(EventDelivery).find({
        where: { id: In(ids) },
        relations: { event: true },
        order: { id: 'ASC' },
      });
      return claimed.map((d) => ({ id: d.id, destination: d.destination, attempts: d.attempts, event: d.event }));
    });
  }

  async markDelivered(id: string): Promise<void> {
    await this.deliveries
      .createQueryBuilder()
      .update()
      .set({ status: 'delivered', deliveredAt: () => 'now()', leaseUntil: null, lastError: null })
      .where('id = :id', { id })
      .execute();
  }

  /** Schedules the next attempt `delayMs` from now. */
  async markFailed(id: string, delayMs: number, error: string): Promise<void> {
    await this.deliveries
      .createQueryBuilder()
      .update()
      .set({
        status: 'pending',
        nextAttemptAt: () => 'now() + make_interval(secs => :delay::float / 1000)',
        leaseUntil: null,
        lastError: error.slice(0, 1000),
      })
      .setParameter('delay', delayMs)
      .where('id = :id', { id })
      .execute();
  }

  /** Hands a claimed delivery back without counting the attempt (shutdown). */
  async release(id: string): Promise<void> {
    await this.deliveries
      .createQueryBuilder()
      .update()
      .set({ status: 'pending', attempts: () => 'attempts - 1', leaseUntil: null })
      .where('id = :id AND status = :sending', { id, sending: 'sending' })
      .execute();
  }

  /** Deliveries not yet made. */
  undelivered(): Promise<number> {
    return this.deliveries.count({ where: { status: In(['pending', 'sending']) } });
  }

  /** An account's events, oldest first. */
  forAccount(accountId: string): Promise<AccountEvent[]> {
    return this.events.find({ where: { accountId }, order: { occurredAt: 'ASC' } });
  }
}
