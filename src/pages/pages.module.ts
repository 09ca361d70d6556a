import { Module } from '@nestjs/common';
import { EmailsModule } from '../emails/emails.module.js';
import { MailModule } from '../mail/mail.module.js';
import { ResetModule } from '../reset/reset.module.js';
import { PageExceptionFilter } from './page-exception.filter.js';
import { ResetPasswordPagesController } from './reset-password.controller.js';
import { SameSiteFormGuard } from './same-site.guard.js';
import { SiteController } from './site.controller.js';
import { VerifyEmailPagesController } from './verify-email.controller.js';

/**
 * The hosted pages: /reset-password (link), /reset-password/code, /reset-password/request,
 * /verify-email, `/`
 * and the favicon (their static files are served by @fastify/static, see pages.setup.ts). The dev
 * mailbox's page and frames are DevMailboxModule's (src/dev-mailbox/). The reset core is
 * ResetModule's; the page templates (Presentation) are the mail module's.
 */
@Module({
  imports: [ResetModule, MailModule, EmailsModule],
  controllers: [ResetPasswordPagesController, SiteController, VerifyEmailPagesController],
  providers: [PageExceptionFilter, SameSiteFormGuard],
})
export class PagesModule {}
