import { DynamicModule, Global, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { LoggingModule } from './logging.module.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';

export interface ObservabilityOptions {
  /** Where the JSON logs go; stdout when unset. Tests pass a stream to capture them. */
  logDestination?: DestinationStream;
}

/** JSON logs (nestjs-pino) and Prometheus metrics (GET /metrics); `Metrics` is injectable everywhere. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions = {}): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [LoggingModule.forRoot(options.logDestination)],
      controllers: [MetricsController],
      providers: [Metrics],
      exports: [Metrics, LoggingModule],
    };
  }
}
