import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AppConfig } from '../config/app-config.js';
import { CodeGuessingDetected, PasswordChanged, ResetCommitted, ResetIssued } from '../reset/reset-events.js';
import type { Locale } from '../locale/locale.js';
import { MailDeliveryWorker } from './mail-delivery.worker.js';
import { MailOutbox } from './mail-outbox.js';
import type { TemplateName } from '../presentation/mail-templates.js';

/** A time in the emails: UTC to the minute. */
export const utc = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

/**
 * The emails of the reset core's events: queued in the outbox in the event's transaction (so
 * they exist exactly when the change was committed), delivered by the worker, which is woken
 * once the change has committed. Template names and how their parameters look are decided here.
 */
@Injectable()
export class ResetMailListener {
  constructor(
    private readonly outbox: MailOutbox,
    private readonly worker: MailDeliveryWorker,
    private readonly config: AppConfig,
  ) {}

  @OnEvent(ResetIssued.type, { suppressErrors: false })
  async resetIssued(event: ResetIssued): Promise<void> {
    const { account, code, link, expiresAt } = event;
    const ttlMinutes = Math.round(this.config.reset.ttlSeconds / 60);
    await this.outbox.enqueue(
      event.tx,
      event.recipients.map((to) => ({
        to,
        template: event.purpose === 'set-password' ? ('set-password' as const) : ('reset-code' as const),
        locale: event.locale as Locale,
        params: { username: account.username, code, link, ttlMinutes, expiresAt: utc(expiresAt) },
      })),
    );
  }

  @OnEvent(PasswordChanged.type, { suppressErrors: false })
  passwordChanged(event: PasswordChanged): Promise<void> {
    return this.toEveryAddress(event, 'password-changed', { changedAt: utc(event.changedAt) });
  }

  @OnEvent(CodeGuessingDetected.type, { suppressErrors: false })
  codeGuessingDetected(event: CodeGuessingDetected): Promise<void> {
    return this.toEveryAddress(event, 'code-guessing-alert', { attemptedAt: utc(event.detectedAt) });
  }

  /** One message of `template` to every address of the event's account. */
  private toEveryAddress(
    event: PasswordChanged | CodeGuessingDetected,
    template: TemplateName,
    params: Record<string, string>,
  ): Promise<void> {
    return this.outbox.enqueue(
      event.tx,
      event.account.emails.map((e) => ({
        to: e.email,
        template,
        locale: event.locale as Locale,
        params: { username: event.account.username, ...params },
      })),
    );
  }

  @OnEvent(ResetCommitted.type, { suppressErrors: false })
  committed(): void {
    this.worker.wake();
  }
}
