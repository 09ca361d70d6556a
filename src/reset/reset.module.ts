import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { PasswordModule } from '../password/password.module.js';
import { RedisConnection, RedisModule } from '../redis/redis.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { CodeFailure, CodeFailureAlert } from './code-failure.entity.js';
import { CodeFailureRepository } from './code-failure.repository.js';
import { CodeGuard } from './code-guard.js';
import { CodeVerifier } from './code-verifier.js';
import { HiddenResetRequest } from './hidden-reset-request.entity.js';
import { HiddenResetRequestRepository } from './hidden-reset-request.repository.js';
import { PasswordResetService } from './password-reset.service.js';
import { sendThrottleFor } from './redis-send-throttle.js';
import { ResetAccounts } from './reset-accounts.js';
import { ResetCode } from './reset-code.entity.js';
import { ResetCodeRepository } from './reset-code.repository.js';
import { ResetConsumer } from './reset-consumer.js';
import { ResetEvents } from './reset-events.js';
import { ResetIssuer } from './reset-issuer.js';
import { ResetSecrets } from './reset-secrets.js';
import { SendThrottleHit } from './send-throttle-hit.entity.js';
import { SendThrottleHitRepository } from './send-throttle-hit.repository.js';
import { PostgresSendThrottle, SendThrottle } from './send-throttle.js';

/**
 * The reset core: PasswordResetService for the contracts and pages, ResetConsumer for a
 * password change. It knows nothing of mail: the mail and events modules handle its domain
 * events (reset-events.ts), which need EventEmitterModule at the root.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ResetCode, HiddenResetRequest, SendThrottleHit, CodeFailure, CodeFailureAlert]),
    UsersModule,
    SessionsModule,
    PasswordModule,
    RedisModule,
  ],
  providers: [
    PasswordResetService,
    ResetIssuer,
    CodeVerifier,
    ResetConsumer,
    ResetAccounts,
    ResetEvents,
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
  exports: [PasswordResetService, ResetConsumer],
})
export class ResetModule {}
