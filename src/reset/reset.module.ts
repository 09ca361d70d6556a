import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MailModule } from '../mail/mail.module.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { ResetRequests } from './reset-requests.js';
import { ResetSecrets } from './reset-secrets.js';
import { PostgresSendThrottle, SendThrottle } from './send-throttle.js';

@Module({})
export class ResetModule {
  static register(options: { production: boolean }): DynamicModule {
    return {
      module: ResetModule,
      global: true,
      imports: [AuthModule, MailModule.register(options)],
      providers: [
        PasswordResetService,
        PasswordChangeService,
        ResetRequests,
        ResetSecrets,
        { provide: SendThrottle, useClass: PostgresSendThrottle },
      ],
      exports: [PasswordResetService, PasswordChangeService, ResetSecrets, AuthModule, MailModule],
    };
  }
}
