import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CodeFailure, CodeFailureAlert } from './code-failure.entity.js';
import { HiddenResetRequest } from './hidden-reset-request.entity.js';
import { ResetCode } from './reset-code.entity.js';
import { SendThrottleHit } from './send-throttle-hit.entity.js';
import { AuthModule } from '../auth/auth.module.js';
import { MailModule } from '../mail/mail.module.js';
import { EventsModule } from '../events/events.module.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { CodeGuard } from './code-guard.js';
import { CodeFailureRepository } from './code-failure.repository.js';
import { HiddenResetRequestRepository } from './hidden-reset-request.repository.js';
import { ResetCodeRepository } from './reset-code.repository.js';
import { SendThrottleHitRepository } from './send-throttle-hit.repository.js';
import { ResetSecrets } from './reset-secrets.js';
import { PostgresSendThrottle, SendThrottle } from './send-throttle.js';
import { AppConfig } from '../config/app-config.js';
import { RedisConnection } from '../redis/redis.module.js';
import { sendThrottleFor } from './redis-send-throttle.js';

@Module({})
export class ResetModule {
  static register(options: { production: boolean }): DynamicModule {
    return {
      module: ResetModule,
      global: true,
      imports: [
        TypeOrmModule.forFeature([ResetCode, HiddenResetRequest, SendThrottleHit, CodeFailure, CodeFailureAlert]),
        AuthModule, MailModule.register(options), EventsModule],
      providers: [
        PasswordResetService,
        PasswordChangeService,
        ResetCodeRepository,
        HiddenResetRequestRepository,
        CodeFailureRepository,
        SendThrottleHitRepository,
        CodeGuard,
        ResetSecrets,
        PostgresSendThrottle,
        // In Redis when REDIS_URL is set (shared by replicas), else in PostgreSQL.
        { provide: SendThrottle, inject: [RedisConnection, AppConfig, PostgresSendThrottle], useFactory: sendThrottleFor },
      ],
      exports: [PasswordResetService, PasswordChangeService, ResetSecrets, AuthModule, MailModule],
    };
  }
}
