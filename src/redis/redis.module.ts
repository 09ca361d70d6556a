import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';

/**
 * The one Redis connection of an instance, when REDIS_URL is set: the per-IP rate limits and
 * the per-account send throttle live there, shared by every replica. `client` is undefined
 * without REDIS_URL.
 *
 * Commands fail fast rather than queue when Redis is unreachable (each user of the connection
 * decides what a failure means), and the connection is closed in `onApplicationShutdown`,
 * after in-flight requests have finished.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client?: Redis;

  constructor(config: AppConfig) {
    if (!config.redisUrl) return;
    this.client = new Redis(config.redisUrl, {
      connectionName: 'password-reset-service',
      connectTimeout: 2000,
      commandTimeout: 1000,
      disconnectTimeout: 200,
      maxRetriesPerRequest: 1,
      // While disconnected, commands fail at once instead of waiting for a reconnect.
      enableOfflineQueue: false,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    let reported = false;
    this.client.on('error', (err: Error) => {
      if (!reported) this.logger.warn(`Redis unavailable: ${err.message}`);
      reported = true;
    });
    this.client.on('ready', () => {
      if (reported) this.logger.log('Redis connection ready again');
      reported = false;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (client.status !== 'ready') {
      client.disconnect(false);
      return;
    }
    const ended = new Promise<boolean>((resolve) => client.once('end', () => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref());
    const quit = client.quit().then(() => ended, () => false);
    if (!(await Promise.race([quit, timeout]))) client.disconnect(false);
  }
}

@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}
