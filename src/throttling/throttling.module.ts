import { ExecutionContext, Injectable, Logger, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  ThrottlerModule,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { RedisConnection } from '../redis/redis.module.js';
import { STRICT_RATE_LIMIT } from './strict-rate-limit.decorator.js';

const MINUTE_MS = 60_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** 429 in the service's error model, so each contract's presenter renders its own body shape. */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'too_many_requests', 'Too many requests, try again later', {}, {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
}

/** The throttler guard, answering through the global exception filter instead of ThrottlerException. */
@Injectable()
export class ClientIpThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw tooManyRequests(detail.timeToBlockExpire || detail.timeToExpire);
  }
}

/**
 * Storage errors (Redis unreachable) let the request through and are logged: the per-IP limit
 * is a protection against floods, and an outage of Redis must not take the service down with it.
 * The secrets themselves stay protected by the reset engine's attempt counter in PostgreSQL.
 */
export class FailOpenStorage implements ThrottlerStorage {
  private readonly logger = new Logger('Throttler');
  private lastWarning = 0;

  constructor(private readonly inner: ThrottlerStorage) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    try {
      return await this.inner.increment(key, ttl, limit, blockDuration, name);
    } catch (err) {
      if (Date.now() - this.lastWarning > 10_000) {
        this.lastWarning = Date.now();
        this.logger.warn(`rate-limit storage unavailable, not limiting: ${(err as Error).message}`);
      }
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}

export function throttlerOptions(config: AppConfig, redis: RedisConnection): ThrottlerModuleOptions {
  const reflector = new Reflector();
  const isStrict = (context: ExecutionContext) =>
    reflector.getAllAndOverride<boolean>(STRICT_RATE_LIMIT, [context.getHandler(), context.getClass()]) === true;
  const off = (context: ExecutionContext) => config.rateLimit.perMinute === 0 || context.getType() !== 'http';
  return {
    throttlers: [
      // Every public route: one budget per client IP across all routes.
      { name: 'default', ttl: MINUTE_MS, limit: Math.max(1, config.rateLimit.perMinute) },
      // Login and reset-request routes: a smaller budget per client IP, shared by those routes.
      // (A throttler's own skipIf replaces the common one, so it repeats `off`.)
      {
        name: 'strict',
        ttl: MINUTE_MS,
        limit: Math.max(1, config.rateLimit.strictPerMinute),
        skipIf: (context) => off(context) || !isStrict(context),
      },
    ],
    skipIf: off,
    // One key per throttler and client IP, not per route: the budget is the client's.
    generateKey: (_context, tracker, name) => `throttle:${name}:${tracker}`,
    storage: redis.client ? new FailOpenStorage(new ThrottlerStorageRedisService(redis.client)) : undefined,
  };
}

/**
 * Per-client-IP rate limits on every route (health and metrics excepted), from
 * RATE_LIMIT_PER_MINUTE. With REDIS_URL the counters live in Redis and every replica shares
 * them; without it they live in each instance's memory. The client IP is the socket address,
 * or the X-Forwarded-For client when TRUST_PROXY=true.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, RedisConnection],
      useFactory: throttlerOptions,
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ClientIpThrottlerGuard }],
})
export class ThrottlingModule {}
