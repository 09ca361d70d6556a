import { DynamicModule, Module } from '@nestjs/common';
import { PageAssetsController } from './assets.controller.js';
import { DevMailboxFrameController } from './dev-mailbox-frame.controller.js';
import { PageExceptionFilter } from './page-exception.filter.js';
import { ResetPasswordPagesController } from './reset-password.controller.js';

/**
 * The hosted pages: /reset-password (link), /reset-password/code, /reset-password/request, their
 * assets, and outside production the dev mailbox's message frame (the mailbox page itself is
 * GET /dev/mailbox with Accept: text/html, in src/mail/dev-mailbox.controller.ts).
 */
@Module({})
export class PagesModule {
  static register(options: { production: boolean }): DynamicModule {
    return {
      module: PagesModule,
      controllers: [
        ResetPasswordPagesController,
        PageAssetsController,
        ...(options.production ? [] : [DevMailboxFrameController]),
      ],
      providers: [PageExceptionFilter],
    };
  }
}
