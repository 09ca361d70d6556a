import { Module } from '@nestjs/common';
import { PasswordModule } from '../password/password.module.js';
import { TypeOrmModule } from '@nestjs/typeorm';
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

/**
 * Registration, login and the Bearer guard. UsersModule, SessionsModule and PasswordModule are
 * passed on for ResetModule, which imports only this module.
 */
@Module({
  imports: [TypeOrmModule.forFeature([LoginFailure]), UsersModule, SessionsModule, TokensModule, PasswordModule],
  controllers: [AuthController],
  providers: [AuthService, AccessTokenGuard, LoginThrottle, LoginFailureRepository, PasswordChangeService],
  exports: [AuthService, AccessTokenGuard, LoginThrottle, PasswordChangeService, UsersModule, SessionsModule, PasswordModule],
})
export class AuthModule {}
