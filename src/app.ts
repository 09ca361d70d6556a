import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { createValidationPipe } from './common/validation.js';
import { setupSwagger } from './common/openapi.js';
import { requireKnownContentType } from './common/content-type.hook.js';

/** Request bodies larger than this are refused with 413. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Builds the application (not yet listening). Used by main.ts, the tests and the benchmarks. */
export async function createApp(
  env: Record<string, string | undefined> = {},
  options: { logger?: false | ('error' | 'warn' | 'log' | 'debug' | 'verbose' | 'fatal')[] } = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env), adapter, {
    bufferLogs: false,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  requireKnownContentType(app.getHttpAdapter().getInstance());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setupSwagger(app);
  return app;
}

export const bootLogger = new Logger('Bootstrap');
