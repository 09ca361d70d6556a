import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CONNECTION_ERRORS, DEFAULT_ERROR_SHAPE } from '../common/swagger.js';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { OPERATIONS_TAG } from './health.tag.js';
import { ShutdownState } from './shutdown-state.js';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';
}

const INDICATORS = {
  type: 'object' as const,
  description: 'By check (`shutdown`, `database`): `{status: "up" | "down", message?}`',
  additionalProperties: {
    type: 'object' as const,
    properties: { status: { type: 'string' as const, enum: ['up', 'down'] }, message: { type: 'string' as const } },
    required: ['status'],
  },
};

/** @nestjs/terminus's health check result. */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status!: string;

  @ApiPropertyOptional({ ...INDICATORS, example: { shutdown: { status: 'up' }, database: { status: 'up' } } })
  info?: Record<string, unknown>;

  @ApiPropertyOptional({ ...INDICATORS, example: {} })
  error?: Record<string, unknown>;

  @ApiProperty({ ...INDICATORS, example: { shutdown: { status: 'up' }, database: { status: 'up' } } })
  details!: Record<string, unknown>;
}

@ApiTags(OPERATIONS_TAG)
@SkipThrottle() // probes come from the orchestrator, not from clients
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @ApiOperation({ operationId: 'healthLive', summary: 'Liveness: the process answers', description: 'Answers 200 while the process runs, without touching the database; for a liveness probe.' })
  @ApiOkResponse({ type: LivenessDto, description: 'The process answers' })
  @ApiErrors(DEFAULT_ERROR_SHAPE, [{ status: 500, code: 'internal_error', message: 'Internal server error' }, ...CONNECTION_ERRORS])
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'healthReady', summary: 'Readiness: the database answers and the instance is not shutting down', description: 'Pings the database (2 s timeout) and answers 503 once the instance has begun shutting down, so a load balancer stops sending it requests.' })
  @ApiOkResponse({ type: ReadinessDto, description: 'Ready' })
  @ApiErrors(DEFAULT_ERROR_SHAPE, [
    { status: 503, code: 'service_unavailable', message: 'Service Unavailable Exception' },
    { status: 500, code: 'internal_error', message: 'Internal server error' },
    ...CONNECTION_ERRORS,
  ])
  ready() {
    return this.health.check([
      () => this.shutdown.check(),
      () => this.db.pingCheck('database', { timeout: 2000 }),
    ]);
  }
}
