import { AsyncLocalStorage } from 'node:async_hooks';

const priority = new AsyncLocalStorage<true>();
let inUse = false;

/**
 * Called by serializedPGliteDriver, the one place that gives turns of a connection. Until then
 * withConnectionPriority only calls `fn`: on Node 20 an AsyncLocalStorage, once run, installs
 * promise hooks that every promise of the process pays for, and on a PostgreSQL server there is
 * no turn to give.
 */
export function useConnectionPriority(): void {
  inUse = true;
}

/**
 * Runs `fn` with its statements ahead of every request waiting for the embedded database's one
 * connection (see serializedPGliteDriver): background work that would otherwise wait behind every
 * queued request, such as the mail worker under load, gets the next free turn. On a PostgreSQL
 * server, which has a pool of connections, it changes nothing.
 */
export function withConnectionPriority<T>(fn: () => Promise<T>): Promise<T> {
  return inUse ? priority.run(true, fn) : fn();
}

/** Whether the caller runs inside withConnectionPriority. */
export const hasConnectionPriority = (): boolean => priority.getStore() === true;
