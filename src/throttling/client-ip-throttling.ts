import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { tooManyRequests } from '../common/error-catalogue.js';
import { AppConfig } from '../config/app-config.js';
import type { RedisConnection } from '../redis/redis.module.js';
import { STRICT_RATE_LIMIT } from './strict-rate-limit.decorator.js';

const MINUTE_MS = 60_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** What one throttler leaves a request: its limit, the requests left and when the window ends. */
interface Budget {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** The tightest budget seen so far for each request, across the throttlers that apply to it. */
const tightest = new WeakMap<object, Budget>();

const isTighter = (a: Budget, b: Budget) => a.remaining < b.remaining || (a.remaining === b.remaining && a.resetSeconds > b.resetSeconds);

/**
 * The throttler guard, answering through the global exception filter instead of
 * ThrottlerException. The `X-RateLimit-Limit`, `-Remaining` and `-Reset` headers describe the
 * budget that runs out first (the strict one on login and reset-request routes), so a client
 * that reads them is never refused while they say requests remain; @nestjs/throttler's own
 * headers describe only the first throttler, with `-strict` ones beside them.
 */
@Injectable()
export class ClientIpThrottlerGuard extends ThrottlerGuard {
  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    const { req, res } = this.getRequestResponse(context);
    const name = throttler.name ?? 'default';
    const key = generateKey(context, await getTracker(req, context), name);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    const budget: Budget = {
      limit,
      remaining: record.isBlocked ? 0 : Math.max(0, limit - record.totalHits),
      resetSeconds: record.isBlocked ? record.timeToBlockExpire : record.timeToExpire,
    };
    const seen = tightest.get(req);
    if (!seen || isTighter(budget, seen)) {
      tightest.set(req, budget);
      this.setResponseHeader(res, `${this.headerPrefix}-Limit`, budget.limit);
      this.setResponseHeader(res, `${this.headerPrefix}-Remaining`, budget.remaining);
      this.setResponseHeader(res, `${this.headerPrefix}-Reset`, budget.resetSeconds);
    }
    if (record.isBlocked) throw tooManyRequests(record.timeToBlockExpire || record.timeToExpire);
    return true;
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

export async function throttlerOptions(config: AppConfig, redis: RedisConnection): Promise<ThrottlerModuleOptions> {
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
    // Loaded only with Redis, as ioredis is (see RedisConnection).
    storage: redis.client
      ? new FailOpenStorage(new (await import('@nest-lab/throttler-storage-redis')).ThrottlerStorageRedisService(redis.client))
      : undefined,
  };
}
