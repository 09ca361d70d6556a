import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PasswordChanged } from '../reset/reset-events.js';
import { AccountEvents } from './account-events.js';

/** The account events of the reset core's domain events, recorded in their transaction. */
@Injectable()
export class ResetAccountEventsListener {
  constructor(private readonly events: AccountEvents) {}

  @OnEvent(PasswordChanged.type, { suppressErrors: false })
  async passwordChanged(event: PasswordChanged): Promise<void> {
    const type = event.method === 'current_password' ? 'password.changed' : 'password.reset';
    // Every password change ends the account's sessions (ResetConsumer.changePassword).
    await this.events.record(
      event.tx,
      { type, accountId: event.account.id, data: { method: event.method } },
      { type: 'sessions.revoked', accountId: event.account.id, data: { reason: type } },
    );
  }
}
