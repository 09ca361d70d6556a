import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Metrics } from './metrics.js';

/**
 * GET /metrics in the Prometheus text format. Meant for the scraper inside the cluster: do not
 * route it through the public ingress. Not rate limited, not in the OpenAPI document.
 */
@ApiExcludeController()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const body = await this.metrics.render();
    reply.header('Content-Type', this.metrics.contentType());
    return body;
  }
}
