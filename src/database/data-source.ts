import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { parseEnv, readProcessEnv } from '../config/env.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * The data source of the TypeORM CLI (`typeorm -d dist/database/data-source.js …`), on the
 * PostgreSQL server DATABASE_URL names. The application does not use it: there each feature
 * module registers its own entities (TypeOrmModule.forFeature); here every compiled
 * `*.entity.js` is loaded, so that the CLI sees the same schema.
 */
export function cliDataSource(config: AppConfig): DataSource {
  if (config.database.kind !== 'postgres') {
    throw new Error('The TypeORM CLI needs DATABASE_URL set to a postgres:// URL');
  }
  return new DataSource({
    type: 'postgres',
    url: config.database.url,
    entities: [fileURLToPath(new URL('../**/*.entity.js', import.meta.url))],
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
  });
}

export default cliDataSource(new AppConfig(parseEnv(readProcessEnv())));
