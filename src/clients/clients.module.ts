import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientSecrets } from './client-secrets.js';
import { ServiceClient } from './service-client.entity.js';
import { ServiceClientsRepository } from './service-clients.repository.js';
import { ServiceClientsService } from './service-clients.service.js';

/** Service clients: the callers of the OAuth token endpoint and of the service routes. */
@Module({
  imports: [TypeOrmModule.forFeature([ServiceClient])],
  providers: [ServiceClientsRepository, ServiceClientsService, ClientSecrets],
  exports: [ServiceClientsService],
})
export class ClientsModule {}
