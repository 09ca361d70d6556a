import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccessTokens } from './access-tokens.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';

@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      // The secret as one KeyObject: given a string, jsonwebtoken first tries to parse it as a PEM
      // key on every sign and verify and fails with an exception (~0.8 ms of CPU per login).
      useFactory: (config: AppConfig) => {
        const key = createSecretKey(Buffer.from(config.jwt.secret));
        return {
          secretOrKeyProvider: () => key,
          signOptions: {
            algorithm: 'HS256',
            expiresIn: config.jwt.ttlSeconds,
            issuer: config.jwt.issuer,
            audience: config.jwt.audience,
          },
          verifyOptions: {
            algorithms: ['HS256'],
            issuer: config.jwt.issuer,
            audience: config.jwt.audience,
          },
        };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, AccessTokens, AccessTokenGuard, LoginThrottle],
  exports: [AuthService, AccessTokens, AccessTokenGuard, LoginThrottle, UsersModule],
})
export class AuthModule {}
