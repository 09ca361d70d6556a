import { Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * PGlite (a WebAssembly PostgreSQL, tens of MB once loaded) is imported only when it is the
 * database, so an instance on a PostgreSQL server never loads it.
 */
export async function typeOrmOptions(config: AppConfig): Promise<TypeOrmModuleOptions> {
  const common = {
    type: 'postgres' as const,
    // Every feature module registers its own entities (TypeOrmModule.forFeature).
    autoLoadEntities: true,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
    // Do not retry forever at start-up: fail fast and let the orchestrator restart us.
    retryAttempts: 3,
    retryDelay: 1000,
  };
  if (config.database.kind === 'pglite') {
    const { serializedPGliteDriver } = await import('./pglite-pool.js');
    return {
      ...common,
      driver: serializedPGliteDriver(
        config.database.dataDir ? { dataDir: config.database.dataDir } : {},
      ),
    };
  }
  return {
    ...common,
    url: config.database.url,
    // pipeline: a query issued while the connection's previous one is unanswered is sent at once
    // instead of after the answer; the independent statements of a transaction (`together`) then
    // take one round trip. Queries awaited one by one behave as without it.
    extra: { max: 10, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000, pipeline: true },
  };
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: typeOrmOptions,
    }),
  ],
})
export class DatabaseModule {}
