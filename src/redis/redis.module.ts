import { Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
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
const CONNECT_TIMEOUT_MS = 2000;

@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client?: Redis;

  constructor(config: AppConfig) {
    if (!config.redisUrl) return;
    this.client = new Redis(config.redisUrl, {
      connectionName: 'password-reset-service',
      connectTimeout: CONNECT_TIMEOUT_MS,
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

  /**
   * Start-up waits for the first connection (at most the connect timeout): commands do not queue,
   * so a request served before it would go unlimited. Redis still down then: the service starts
   * and each user of the connection falls back as when Redis goes away later.
   */
  async onModuleInit(): Promise<void> {
    const client = this.client;
    if (!client || client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, CONNECT_TIMEOUT_MS);
      client.once('ready', done);
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
