import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { ClientsModule } from './clients.module.js';
import { ServiceClientsService } from './service-clients.service.js';

/** What the client commands need: the service's own configuration and database, nothing else. */
@Module({})
class ClientsCliModule {
  // Built when a command runs: reading the configuration (AppConfigModule.forRoot) already
  // writes the development secrets into DATA_DIR.
  static forCommand(): DynamicModule {
    return { module: ClientsCliModule, imports: [AppConfigModule.forRoot(), DatabaseModule, ClientsModule] };
  }
}

/**
 * Runs `work` against the service's database (DATABASE_URL, or PGlite in DATA_DIR, migrated
 * like at start-up), then closes it. Only the client commands open it, so `keys:rotate` never
 * touches a database.
 */
export async function withServiceClients<T>(work: (clients: ServiceClientsService) => Promise<T>): Promise<T> {
  const context = await NestFactory.createApplicationContext(ClientsCliModule.forCommand(), { logger: ['error'], abortOnError: false });
  try {
    return await work(context.get(ServiceClientsService));
  } finally {
    await context.close();
  }
}

/** A refusal the operator can act on: printed as is on stderr, exit code 1. */
export function refuse(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}
