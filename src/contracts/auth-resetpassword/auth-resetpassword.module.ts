import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { ResetModule } from '../../reset/reset.module.js';
import { AuthResetPasswordController } from './auth-resetpassword.controller.js';
import { AuthResetPasswordErrorPresenter } from './auth-resetpassword.presenter.js';
import { ChangeFlowBearerGuard } from './change-flow-bearer.guard.js';

@Module({
  imports: [ResetModule, AuthModule],
  controllers: [AuthResetPasswordController],
  providers: [ChangeFlowBearerGuard, AuthResetPasswordErrorPresenter],
})
export class AuthResetPasswordModule {}
