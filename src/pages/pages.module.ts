import { DynamicModule, Module } from '@nestjs/common';
import { DevMailboxFrameController } from './dev-mailbox-frame.controller.js';
import { PageExceptionFilter } from './page-exception.filter.js';
import { ResetPasswordPagesController } from './reset-password.controller.js';
import { SameSiteFormGuard } from './same-site.guard.js';
import { SiteController } from './site.controller.js';

/**
 * The hosted pages: /reset-password (link), /reset-password/code, /reset-password/request, `/`
 * and the favicon (their static files are served by @fastify/static, see pages.setup.ts), and outside production the dev mailbox's message frame (the mailbox page itself is
 * GET /dev/mailbox with Accept: text/html, in src/mail/dev-mailbox.controller.ts).
 */
@Module({})
export class PagesModule {
  static register(options: { production: boolean }): DynamicModule {
    return {
      module: PagesModule,
      controllers: [
        ResetPasswordPagesController,
        SiteController,
        ...(options.production ? [] : [DevMailboxFrameController]),
      ],
      providers: [PageExceptionFilter, SameSiteFormGuard],
    };
  }
}
