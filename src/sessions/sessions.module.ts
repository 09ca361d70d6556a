import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../tokens/tokens.module.js';
import { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokenSecrets } from './refresh-token-secrets.js';
import { Session } from './session.entity.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

/** Sessions and refresh tokens: refresh, the session list, logout. */
@Module({
  imports: [TypeOrmModule.forFeature([Session, RefreshToken]), TokensModule],
  controllers: [SessionsController],
  providers: [SessionsRepository, SessionsService, RefreshTokenSecrets],
  exports: [SessionsService],
})
export class SessionsModule {}
