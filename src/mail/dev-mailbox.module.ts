import { Module } from '@nestjs/common';
import { DevMailboxFrameController } from '../pages/dev-mailbox-frame.controller.js';
import { DevMailboxController } from './dev-mailbox.controller.js';

/**
 * GET /dev/mailbox (JSON or the page) and the page's message frames. Imported only when the
 * dev mailbox is on (outside production, without SMTP_URL: see devMailboxEnabled); both
 * controllers answer only clients on this machine (DevMailboxAccessGuard). DevMailbox itself
 * comes from the mail module.
 */
@Module({ controllers: [DevMailboxController, DevMailboxFrameController] })
export class DevMailboxModule {}
