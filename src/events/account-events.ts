import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { AccountEvent, EventData, EventType } from './account-event.entity.js';
import { EventDeliveries } from './event-deliveries.js';

export interface NewAccountEvent {
  type: EventType;
  accountId: string;
  /** Non-secret facts only: never codes, tokens, hashes or passwords. */
  data?: EventData;
}

/** The destinations the configuration names: `nats`, and `webhook:<url>` per webhook URL. */
export function eventDestinations(config: AppConfig): string[] {
  return [...(config.events.natsUrls.length ? ['nats'] : []), ...config.events.webhookUrls.map((u) => `webhook:${u}`)];
}

/**
 * Records domain events in the transaction of the change (the event outbox): an event exists
 * exactly when its change was committed. EventDeliveryWorker delivers them afterwards.
 */
@Injectable()
export class AccountEvents {
  private readonly destinations: string[];

  constructor(
    private readonly store: EventDeliveries,
    config: AppConfig,
  ) {
    this.destinations = eventDestinations(config);
  }

  async record(tx: EntityManager, ...events: NewAccountEvent[]): Promise<void> {
    const now = new Date();
    const rows = events.map((e) =>
      Object.assign(new AccountEvent(), { id: randomUUID(), type: e.type, accountId: e.accountId, occurredAt: now, data: e.data ?? {} }),
    );
    await this.store.insert(tx, rows, this.destinations);
  }
}
