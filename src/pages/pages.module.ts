import { DynamicModule, Module } from '@nestjs/common';
import { PageAssetsController } from './assets.controller.js';
import { PageExceptionFilter } from './page-exception.filter.js';
import { ResetPasswordPagesController } from './reset-password.controller.js';

/**
 * The hosted pages: /reset-password (link), /reset-password/code, /reset-password/request and
 * their assets (the dev mailbox's page and frames are DevMailboxModule's, src/mail/dev-mailbox.module.ts).
 */
@Module({})
export class PagesModule {
  static register(_options: { production: boolean }): DynamicModule {
    return {
      module: PagesModule,
      controllers: [
        ResetPasswordPagesController,
        PageAssetsController,
      ],
      providers: [PageExceptionFilter],
    };
  }
}
