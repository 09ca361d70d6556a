import { Global, Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';

@Global()
@Module({ providers: [PasswordPolicy, PasswordHasher], exports: [PasswordPolicy, PasswordHasher] })
export class PasswordModule {}
