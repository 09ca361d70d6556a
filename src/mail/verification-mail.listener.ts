import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { VerificationCommitted, VerificationIssued } from '../emails/email-events.js';
import type { Locale } from '../locale/locale.js';
import { MailDeliveryWorker } from './mail-delivery.worker.js';
import { MailOutbox } from './mail-outbox.js';
import { utc } from './reset-mail.listener.js';


/** The email of an address verification, queued in the outbox in the verification's transaction. */
@Injectable()
export class VerificationMailListener {
  constructor(
    private readonly outbox: MailOutbox,
    private readonly worker: MailDeliveryWorker,
  ) {}

  @OnEvent(VerificationIssued.type, { suppressErrors: false })
  issued(event: VerificationIssued): Promise<void> {
    const { username, email, code, link, expiresAt } = event;
    return this.outbox.enqueue(event.tx, [
      { to: email, template: 'email-verification', locale: event.locale as Locale, params: { username, email, code, link, expiresAt: utc(expiresAt) } },
    ]);
  }

  @OnEvent(VerificationCommitted.type, { suppressErrors: false })
  committed(): void {
    this.worker.wake();
  }
}
