import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';

@Module({
  providers: [
    { provide: PasswordPolicy, inject: [AppConfig], useFactory: (config: AppConfig) => new PasswordPolicy(config.passwordPolicy) },
    PasswordHasher,
  ],
  exports: [PasswordPolicy, PasswordHasher],
})
export class PasswordModule {}
