import { Module, OnModuleInit } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { CommonModule } from '../common/common.module.js';
import { ErrorPresenters } from '../common/error-presenters.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { ClientAuthentication } from './client-authentication.js';
import { OAuthController } from './oauth.controller.js';
import { OAUTH_PREFIX, oauthPresenter } from './oauth.errors.js';
import { OAuthService } from './oauth.service.js';
import { ServiceTokenGuard } from './service-token.guard.js';
import { ServiceTokens } from './service-tokens.js';

/**
 * The OAuth 2.0 endpoints for other services, and the guard of service routes
 * (`@RequireScopes`), which other modules use by importing this one.
 */
@Module({
  imports: [ClientsModule, SessionsModule, TokensModule, CommonModule],
  controllers: [OAuthController],
  providers: [OAuthService, ServiceTokens, ClientAuthentication, ServiceTokenGuard],
  exports: [ServiceTokens, ClientAuthentication, ServiceTokenGuard, ClientsModule],
})
export class OAuthModule implements OnModuleInit {
  constructor(private readonly presenters: ErrorPresenters) {}

  onModuleInit(): void {
    this.presenters.register([OAUTH_PREFIX], oauthPresenter);
  }
}
