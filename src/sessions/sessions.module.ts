import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../tokens/tokens.module.js';
import { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokenSecrets } from './refresh-token-secrets.js';
import { Session } from './session.entity.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

/** Sessions and refresh tokens (their routes are AuthModule's SessionsController). */
@Module({
  imports: [TypeOrmModule.forFeature([Session, RefreshToken]), TokensModule],
  providers: [SessionsRepository, SessionsService, RefreshTokenSecrets],
  exports: [SessionsService],
})
export class SessionsModule {}
