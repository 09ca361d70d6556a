import { Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';

/**
 * The one Redis connection of an instance, when REDIS_URL is set: the per-IP rate limits and
 * the per-account send throttle live there, shared by every replica. `client` is undefined
 * without REDIS_URL.
 *
 * Commands fail fast rather than queue when Redis is unreachable (each user of the connection
 * decides what a failure means), and the connection is closed in `onApplicationShutdown`,
 * after in-flight requests have finished. ioredis (about 20 MB once loaded) is loaded only
 * when REDIS_URL is set.
 */
const CONNECT_TIMEOUT_MS = 2000;

export class RedisConnection implements OnApplicationShutdown {
  private constructor(readonly client?: Redis) {}

  /**
   * Connects when REDIS_URL is set. Start-up waits for the first connection (at most the connect
   * timeout): commands do not queue, so a request served before it would go unlimited. Redis
   * still down then: the service starts and each user of the connection falls back as when
   * Redis goes away later.
   */
  static async open(config: AppConfig): Promise<RedisConnection> {
    if (!config.redisUrl) return new RedisConnection();
    const { Redis } = await import('ioredis');
    const logger = new Logger('Redis');
    const client = new Redis(config.redisUrl, {
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
    client.on('error', (err: Error) => {
      if (!reported) logger.warn(`Redis unavailable: ${err.message}`);
      reported = true;
    });
    client.on('ready', () => {
      if (reported) logger.log('Redis connection ready again');
      reported = false;
    });
    if (client.status !== 'ready') {
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
    return new RedisConnection(client);
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

@Module({
  providers: [{ provide: RedisConnection, inject: [AppConfig], useFactory: (config: AppConfig) => RedisConnection.open(config) }],
  exports: [RedisConnection],
})
export class RedisModule {}
