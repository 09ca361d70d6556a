import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { MailModule } from '../mail/mail.module.js';
import { OAuthModule } from '../oauth/oauth.module.js';
import { PasswordModule } from '../password/password.module.js';
import { ResetModule } from '../reset/reset.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminAccountsController } from './admin-accounts.controller.js';
import { AdminAccountsService } from './admin-accounts.service.js';

/**
 * The admin API for other services (`/admin/accounts`, service tokens with `accounts:*`).
 */
@Module({
  imports: [UsersModule, SessionsModule, PasswordModule, ResetModule, EventsModule, MailModule, OAuthModule],
  controllers: [AdminAccountsController],
  providers: [AdminAccountsService],
})
export class AdminModule {}
