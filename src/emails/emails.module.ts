import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { EventsModule } from '../events/events.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { EmailVerification } from './email-verification.entity.js';
import { EmailVerificationRepository } from './email-verification.repository.js';
import { EmailVerifications } from './email-verifications.js';
import { EmailsController } from './emails.controller.js';
import { EmailsService } from './emails.service.js';

/**
 * An account's addresses and their verification. It knows nothing of mail: the mail module
 * queues the email of each VerificationIssued (email-events.ts).
 */
@Module({
  // AccessTokenGuard needs TokensModule and SessionsModule.
  imports: [TypeOrmModule.forFeature([EmailVerification]), UsersModule, EventsModule, AuthModule, TokensModule, SessionsModule],
  controllers: [EmailsController],
  providers: [EmailsService, EmailVerifications, EmailVerificationRepository],
  exports: [EmailVerifications],
})
export class EmailsModule {}
