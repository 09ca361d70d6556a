import { AccountEvent, EventData } from './account-event.entity.js';

/** What other services receive, on NATS and in webhook bodies. */
export interface EventMessage {
  id: string;
  type: string;
  /** When the change was made (ISO 8601, UTC). */
  time: string;
  account_id: string;
  data: EventData;
}

export function eventMessage(event: AccountEvent): EventMessage {
  return {
    id: event.id,
    type: event.type,
    time: new Date(event.occurredAt).toISOString(),
    account_id: event.accountId,
    data: event.data,
  };
}
