import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from './metrics.js';

/**
 * GET /metrics (Prometheus text) on a listener of its own, METRICS_PORT bound like HOST, so the
 * public port never serves it. It starts when the application initialises (app.listen or
 * app.init) and closes when the application closes.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: FastifyInstance;

  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = Fastify({ logger: false, forceCloseConnections: true });
    server.get('/metrics', async (_request, reply) => {
      const body = await this.metrics.render();
      return reply.header('Cache-Control', 'no-store').type(this.metrics.contentType()).send(body);
    });
    await server.listen({ port: this.config.metricsPort, host: this.config.host });
    this.server = server;
  }

  /** The port the listener got (the real one when METRICS_PORT=0). */
  get port(): number {
    const address = this.server?.server.address();
    if (!address || typeof address === 'string') throw new Error('the metrics listener is not listening');
    return address.port;
  }

  /** `http://host:port` of the listener, for the tests and the start-up log. */
  get url(): string {
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    return `http://${host}:${this.port}`;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }
}
