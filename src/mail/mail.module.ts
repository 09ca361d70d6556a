import { Module } from '@nestjs/common';
import { MailerModule, MailerOptions } from '@nestjs-modules/mailer';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { DevMailbox } from './dev-mailbox.js';
import { DevMailboxMessage } from './dev-mailbox-message.entity.js';
import { MailOutboxMessage } from './mail-outbox-message.entity.js';
import { MailDeliveryWorker } from './mail-delivery.worker.js';
import { MailOutbox } from './mail-outbox.js';
import { MailOutboxMessageRepository } from './mail-outbox-message.repository.js';
import { ResetMailListener } from './reset-mail.listener.js';
import { VerificationMailListener } from './verification-mail.listener.js';
import { SMTP_TIMEOUTS } from './mail-delivery.worker.js';
import { Presentation } from '../presentation/presentation.js';

/** The mail outbox, its delivery worker, the dev mailbox store and the templates (Presentation). The dev mailbox's routes are DevMailboxModule's, mounted only when it is on. */
@Module({
  imports: [
    TypeOrmModule.forFeature([MailOutboxMessage, DevMailboxMessage]),
    MailerModule.forRootAsync({
      imports: [],
      inject: [AppConfig],
      useFactory: (config: AppConfig): MailerOptions => ({
        // Without SMTP_URL (development) nodemailer renders the message and the worker
        // keeps it in the dev mailbox. With it, connections are pooled and reused: opening one
        // per message (greeting, EHLO, TLS for smtps) cost ~100 ms per message in the
        // benchmark; `?pool=false` in SMTP_URL turns pooling off.
        // The worker keeps MAIL_CONCURRENCY messages in flight, one per pooled connection.
        transport: config.mail.smtpUrl
          ? { url: config.mail.smtpUrl, pool: true, maxConnections: config.mail.concurrency, maxMessages: 1000, ...SMTP_TIMEOUTS }
          : { jsonTransport: true },
        defaults: { from: config.mail.from } as MailerOptions['defaults'],
      }),
    }),
  ],
  providers: [MailOutbox, MailOutboxMessageRepository, MailDeliveryWorker, DevMailbox, Presentation, ResetMailListener, VerificationMailListener],
  exports: [MailOutbox, MailDeliveryWorker, DevMailbox, Presentation],
})
export class MailModule {}
