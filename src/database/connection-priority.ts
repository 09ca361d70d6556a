import { AsyncLocalStorage } from 'node:async_hooks';

const priority = new AsyncLocalStorage<true>();

/**
 * Runs `fn` with its statements ahead of every request waiting for the embedded database's one
 * connection (see serializedPGliteDriver): background work that would otherwise wait behind every
 * queued request, such as the mail worker under load, gets the next free turn. On a PostgreSQL
 * server, which has a pool of connections, it changes nothing.
 */
export function withConnectionPriority<T>(fn: () => Promise<T>): Promise<T> {
  return priority.run(true, fn);
}

/** Whether the caller runs inside withConnectionPriority. */
export const hasConnectionPriority = (): boolean => priority.getStore() === true;
