import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { ShutdownState } from './shutdown-state.js';

/**
 * The Fastify adapter with one addition: hooks that run at the very start of Nest's shutdown
 * sequence (`prepareClose`), before any module hook.
 *
 * The order on SIGTERM/SIGINT (enableShutdownHooks; no other signal) or `app.close()`:
 * 1. `ShutdownState.begin()`: /health/ready answers 503 and `ShutdownState.signal` aborts;
 *    then SHUTDOWN_DELAY_MS of grace, during which requests are still served while the load
 *    balancer takes the instance out of rotation (registered in createApp).
 * 2. `onModuleDestroy` hooks: the mail worker stops claiming and finishes what it holds here,
 *    before the mailer library (a global module, destroyed after the others) closes its SMTP
 *    pool in its own. The database is still open.
 * 3. `beforeApplicationShutdown` hooks: the other background workers (event delivery) stop
 *    claiming work here and finish what they hold. The database is still open.
 * 4. The HTTP server closes: no new connections, in-flight requests run to completion.
 * 5. `onApplicationShutdown` hooks: connections close (the database, Redis).
 * 6. main.ts: the process exits 0.
 *
 * So: do not release in `onModuleDestroy` anything a request still needs; close connections in
 * `onApplicationShutdown`.
 */
export class GracefulFastifyAdapter extends FastifyAdapter {
  private readonly closingHooks: (() => void | Promise<void>)[] = [];

  onBeforeClose(hook: () => void | Promise<void>): void {
    this.closingHooks.push(hook);
  }

  override async beforeClose(): Promise<void> {
    for (const hook of this.closingHooks.splice(0)) await hook();
    super.beforeClose();
  }
}

/**
 * Once shutdown has begun, every response carries `Connection: close`: keep-alive clients
 * reconnect (to another replica) and the connection of a request that was in flight when the
 * signal came closes after its response, so closing the server does not wait for idle
 * keep-alive connections to time out.
 */
export function closeConnectionsWhenShuttingDown(fastify: FastifyInstance, shutdown: ShutdownState): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (shutdown.isShuttingDown && request.raw.httpVersionMajor === 1) reply.header('Connection', 'close');
    done(null, payload);
  });
}

/** Waits the configured grace period, logging that the instance is draining. */
export async function drain(delayMs: number): Promise<void> {
  if (delayMs <= 0) return;
  new Logger('Shutdown').log(`readiness is now 503; draining for ${delayMs} ms before closing the server`);
  await sleep(delayMs);
}
