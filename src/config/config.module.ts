import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config.js';
import { parseEnv, readProcessEnv } from './env.js';

const APP_CONFIG_KEY = 'app';

/**
 * Validates the environment once (at start-up) through @nestjs/config and exposes the
 * typed `AppConfig`. `overrides` lets tests start several differently configured apps
 * in one process; the validated values are never written back to process.env.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(overrides: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          validatePredefined: false,
          validate: () => ({
            [APP_CONFIG_KEY]: new AppConfig(parseEnv({ ...readProcessEnv(), ...overrides })),
          }),
        }),
      ],
      providers: [
        {
          provide: AppConfig,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => config.getOrThrow<AppConfig>(APP_CONFIG_KEY),
        },
      ],
      exports: [AppConfig],
    };
  }
}
