import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuthModule } from './auth/auth.module.js';
import { ApiExceptionFilter } from './common/api-exception.filter.js';
import { CommonModule } from './common/common.module.js';
import { AppConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { ObservabilityModule, ObservabilityOptions } from './observability/observability.module.js';
import { RedisModule } from './redis/redis.module.js';
import { ThrottlingModule } from './throttling/throttling.module.js';
import { ResetModule } from './reset/reset.module.js';
import { UsernameCodeModule } from './contracts/username-code/username-code.module.js';
import { ForgotPasswordModule } from './contracts/forgot-password/forgot-password.module.js';
import { AuthResetPasswordModule } from './contracts/auth-resetpassword/auth-resetpassword.module.js';
import { TokenLinkModule } from './contracts/token-link/token-link.module.js';
import { PagesModule } from './pages/pages.module.js';
import { devMailboxEnabled, parseEnv, readProcessEnv } from './config/env.js';
import { DevMailboxModule } from './dev-mailbox/dev-mailbox.module.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { MailModule } from './mail/mail.module.js';
import { AdminModule } from './admin/admin.module.js';
import { EmailsModule } from './emails/emails.module.js';

@Module({})
export class AppModule {
  /** `env` overrides process.env, so tests can run differently configured apps side by side. */
  static forRoot(env: Record<string, string | undefined> = {}, observability: ObservabilityOptions = {}): DynamicModule {
    const devMailbox = devMailboxEnabled(parseEnv({ ...readProcessEnv(), ...env }));
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        ObservabilityModule.forRoot(observability),
        RedisModule,
        CommonModule,
        ThrottlingModule,
        DatabaseModule,
        HealthModule,
        AuthModule,
        EventEmitterModule.forRoot(),
        MailModule,
        ResetModule,
        UsernameCodeModule,
        ForgotPasswordModule,
        AuthResetPasswordModule,
        TokenLinkModule,
        OAuthModule,
        AdminModule,
        PagesModule,
        EmailsModule,
        ...(devMailbox ? [DevMailboxModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
