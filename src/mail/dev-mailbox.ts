import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DevMailboxMessage } from './dev-mailbox-message.entity.js';
import type { RenderedMail } from '../presentation/mail-templates.js';

export interface DevMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  sent_at: string;
}

/** Development transport: with SMTP_URL unset, delivered messages are kept here instead. */
@Injectable()
export class DevMailbox {
  constructor(@InjectRepository(DevMailboxMessage) private readonly messages: Repository<DevMailboxMessage>) {}

  async record(to: string, mail: RenderedMail): Promise<void> {
    await this.messages.insert({ recipient: to, subject: mail.subject, textBody: mail.text, htmlBody: mail.html });
  }

  async list(limit = 100): Promise<DevMessage[]> {
    const rows = await this.messages.find({ order: { id: 'DESC' }, take: limit });
    return rows.map((r) => ({
      id: String(r.id),
      to: r.recipient,
      subject: r.subject,
      text: r.textBody,
      html: r.htmlBody,
      sent_at: new Date(r.sentAt).toISOString(),
    }));
  }
}
