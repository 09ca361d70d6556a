import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { PasswordModule } from '../../password/password.module.js';
import { ResetModule } from '../../reset/reset.module.js';
import { ForgotPasswordController } from './forgot-password.controller.js';
import { FastApiErrorPresenter } from './forgot-password.presenter.js';
import { LoginController } from './login.controller.js';

@Module({
  imports: [ResetModule, AuthModule, PasswordModule],
  controllers: [ForgotPasswordController, LoginController],
  providers: [FastApiErrorPresenter],
})
export class ForgotPasswordModule {}
