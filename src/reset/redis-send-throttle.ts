import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { PostgresSendThrottle, SendThrottle } from './send-throttle.js';
import { RedisConnection } from '../redis/redis.module.js';

/**
 * A sliding window per subject in one sorted set: drop hits older than the window, count,
 * and add this hit only when under the limit, all in one script, so replicas cannot race past
 * the limit. Times come from the Redis server's clock, the one clock every replica shares.
 * Returns {1, 0} when allowed, {0, ms until the oldest hit leaves the window} when not.
 */
const SLIDING_WINDOW = `
local key = KEYS[1]
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + window - now}
end
redis.call('ZADD', key, now, ARGV[3])
redis.call('PEXPIRE', key, window)
return {1, 0}
`;

export const SEND_THROTTLE_KEY_PREFIX = 'reset:send:';

/**
 * The send throttle (RESET_SEND_LIMIT per RESET_SEND_WINDOW_SECONDS) in Redis,
 * shared by every replica. If Redis cannot answer, the PostgreSQL throttle takes over for that
 * request, so the limit never lapses; it counts on its own until Redis is back.
 */
export class RedisSendThrottle extends SendThrottle {
  private readonly logger = new Logger('SendThrottle');
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly fallback: PostgresSendThrottle,
  ) {
    super();
  }

  async take(tx: EntityManager, subject: string): Promise<number | null> {
    const { sendLimit, sendWindowSeconds } = this.config.reset;
    let result: [number, number];
    try {
      result = (await this.redis.eval(
        SLIDING_WINDOW,
        1,
        SEND_THROTTLE_KEY_PREFIX + subject,
        String(sendWindowSeconds * 1000),
        String(sendLimit),
        randomUUID(),
      )) as [number, number];
    } catch (err) {
      if (Date.now() - this.lastWarning > 10_000) {
        this.lastWarning = Date.now();
        this.logger.warn(`Redis unavailable for the send throttle, using PostgreSQL: ${(err as Error).message}`);
      }
      return this.fallback.take(tx, subject);
    }
    const [allowed, retryAfterMs] = result;
    return allowed === 1 ? null : retryAfterMs / 1000;
  }
}

/** The send throttle of this instance: Redis when REDIS_URL is set, else PostgreSQL. */
export function sendThrottleFor(
  redis: RedisConnection,
  config: AppConfig,
  postgres: PostgresSendThrottle,
): SendThrottle {
  return redis.client ? new RedisSendThrottle(redis.client, config, postgres) : postgres;
}
