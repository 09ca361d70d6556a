import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AccountEvent } from './account-event.entity.js';
import { eventMessage } from './event-message.js';

/** Bound on one webhook call (connect, send, answer). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The Standard Webhooks signature: `v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`,
 * keyed with the secret's bytes (the base64 after `whsec_`).
 */
export function webhookSignature(key: Buffer, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** POSTs events to webhook URLs, signed per Standard Webhooks; any 2xx answer is a delivery. */
@Injectable()
export class WebhookSender {
  constructor(private readonly config: AppConfig) {}

  async send(url: string, event: AccountEvent): Promise<void> {
    const key = this.config.events.webhookKey;
    if (!key) throw new Error('WEBHOOK_SECRET is not set');
    const body = JSON.stringify(eventMessage(event));
    const timestamp = Math.floor(Date.now() / 1000);
    const answer = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': webhookSignature(key, event.id, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await answer.body?.cancel().catch(() => undefined);
    if (answer.status < 200 || answer.status > 299) throw new Error(`webhook answered ${answer.status}`);
  }
}
