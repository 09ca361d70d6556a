import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordModule } from '../password/password.module.js';
import { ResetModule } from '../reset/reset.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessTokenGuard } from './access-token.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { LoginFailure } from './login-failure.entity.js';
import { LoginFailureRepository } from './login-failure.repository.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordChangeService } from './password-change.service.js';
import { SessionsController } from './sessions.controller.js';

/**
 * Registration, login, the Bearer guard, the session routes (refresh, list, logout) and the
 * password change, which is the reset core's ResetConsumer.
 */
@Module({
  imports: [TypeOrmModule.forFeature([LoginFailure]), UsersModule, SessionsModule, TokensModule, PasswordModule, ResetModule],
  controllers: [AuthController, SessionsController],
  providers: [AuthService, AccessTokenGuard, LoginThrottle, LoginFailureRepository, PasswordChangeService],
  exports: [AuthService, AccessTokenGuard, LoginThrottle, PasswordChangeService],
})
export class AuthModule {}
