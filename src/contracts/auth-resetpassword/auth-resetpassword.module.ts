import { Module, OnModuleInit } from '@nestjs/common';
import { ErrorPresenters } from '../../common/error-presenters.js';
import { AuthResetPasswordController } from './auth-resetpassword.controller.js';
import { authResetPasswordPresenter } from './auth-resetpassword.errors.js';
import { ChangeFlowBearerGuard } from './change-flow-bearer.guard.js';

@Module({ controllers: [AuthResetPasswordController], providers: [ChangeFlowBearerGuard] })
export class AuthResetPasswordModule implements OnModuleInit {
  constructor(private readonly presenters: ErrorPresenters) {}

  onModuleInit(): void {
    this.presenters.register(['/auth/forgotpassword', '/auth/resetpassword'], authResetPasswordPresenter);
  }
}
