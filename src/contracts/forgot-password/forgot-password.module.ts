import { Module, OnModuleInit } from '@nestjs/common';
import { ErrorPresenters } from '../../common/error-presenters.js';
import { ForgotPasswordController } from './forgot-password.controller.js';
import { PasswordPolicy } from '../../password/password-policy.js';
import { fastApiPresenterWith } from './forgot-password.errors.js';
import { LoginController } from './login.controller.js';

@Module({ controllers: [ForgotPasswordController, LoginController] })
export class ForgotPasswordModule implements OnModuleInit {
  constructor(
    private readonly presenters: ErrorPresenters,
    private readonly policy: PasswordPolicy,
  ) {}

  onModuleInit(): void {
    this.presenters.register(['/forgot-password', '/login'], fastApiPresenterWith(this.policy.ruleText));
  }
}
