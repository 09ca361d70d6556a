import { DynamicModule, Global, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { LoggingModule } from './logging.module.js';
import { MetricsServer } from './metrics-server.js';
import { Metrics } from './metrics.js';

export interface ObservabilityOptions {
  /** Where the JSON logs go; stdout when unset. Tests pass a stream to capture them. */
  logDestination?: DestinationStream;
}

/**
 * JSON logs (nestjs-pino) and Prometheus metrics (GET /metrics on the METRICS_PORT listener, not on
 * the public port); `Metrics` is injectable everywhere.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions = {}): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [LoggingModule.forRoot(options.logDestination)],
      providers: [Metrics, MetricsServer],
      exports: [Metrics, MetricsServer, LoggingModule],
    };
  }
}
