import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module.js';
import { DevMailboxFrameController } from './dev-mailbox-frame.controller.js';
import { DevMailboxController } from './dev-mailbox.controller.js';

/**
 * GET /dev/mailbox (JSON or the page) and the page's message frames. Imported only when the
 * dev mailbox is on (outside production, without SMTP_URL: see devMailboxEnabled); both
 * controllers answer only clients on this machine (DevMailboxAccessGuard). The kept messages
 * (DevMailbox) and the page templates (Presentation) are the mail module's.
 */
@Module({ imports: [MailModule], controllers: [DevMailboxController, DevMailboxFrameController] })
export class DevMailboxModule {}
