import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config.js';
import { RedisConnection, RedisModule } from '../redis/redis.module.js';
import { ClientIpThrottlerGuard, throttlerOptions } from './client-ip-throttling.js';

/**
 * Per-client-IP rate limits on every route (health and metrics excepted), from
 * RATE_LIMIT_PER_MINUTE (unset: 60 in production, 600 in development and tests). With REDIS_URL the counters live in Redis and every replica shares
 * them; without it they live in each instance's memory. The client IP is the socket address,
 * or the X-Forwarded-For client when TRUST_PROXY=true.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RedisModule],
      inject: [AppConfig, RedisConnection],
      useFactory: throttlerOptions,
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ClientIpThrottlerGuard }],
})
export class ThrottlingModule {}
