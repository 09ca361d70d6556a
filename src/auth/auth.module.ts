import { Module } from '@nestjs/common';
import { PasswordModule } from '../password/password.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessTokenGuard } from './access-token.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';

/**
 * Registration, login and the Bearer guard. UsersModule, SessionsModule and PasswordModule are
 * passed on for ResetModule, which imports only this module.
 */
@Module({
  imports: [UsersModule, SessionsModule, TokensModule, PasswordModule],
  controllers: [AuthController],
  providers: [AuthService, AccessTokenGuard, LoginThrottle],
  exports: [AuthService, AccessTokenGuard, LoginThrottle, UsersModule, SessionsModule, PasswordModule],
})
export class AuthModule {}
