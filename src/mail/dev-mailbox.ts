import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DbRow } from '../database/pg.js';
import type { RenderedMail } from './templates.js';

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
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(to: string, mail: RenderedMail): Promise<void> {
    await this.db.query(
      `INSERT INTO dev_mailbox (recipient, subject, text_body, html_body) VALUES ($1, $2, $3, $4)`,
      [to, mail.subject, mail.text, mail.html],
    );
  }

  async list(limit = 100): Promise<DevMessage[]> {
    const rows = await this.db.query(
      `SELECT id, recipient, subject, text_body, html_body, sent_at FROM dev_mailbox
        ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r: DbRow) => ({
      id: String(r.id),
      to: r.recipient,
      subject: r.subject,
      text: r.text_body,
      html: r.html_body,
      sent_at: new Date(r.sent_at).toISOString(),
    }));
  }
}
