import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { ClientAuthentication } from './client-authentication.js';
import { OAuthController } from './oauth.controller.js';
import { OAuthErrorPresenter } from './oauth.presenter.js';
import { OAuthService } from './oauth.service.js';
import { ServiceTokenGuard } from './service-token.guard.js';
import { ServiceTokens } from './service-tokens.js';

/**
 * The OAuth 2.0 endpoints for other services, and the guard of service routes
 * (`@RequireScopes`), which other modules use by importing this one.
 */
@Module({
  imports: [ClientsModule, SessionsModule, TokensModule],
  controllers: [OAuthController],
  providers: [OAuthErrorPresenter, OAuthService, ServiceTokens, ClientAuthentication, ServiceTokenGuard],
  exports: [ServiceTokens, ClientAuthentication, ServiceTokenGuard, ClientsModule],
})
export class OAuthModule {}
