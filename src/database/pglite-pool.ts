import { PGliteDriver, getPGliteInstance } from 'typeorm-pglite';
import { hasConnectionPriority, useConnectionPriority } from './connection-priority.js';

type Release = (err?: unknown) => void;
type ConnectCallback = (err: unknown, client: unknown, release: Release) => void;

/**
 * PGlite is a single connection. typeorm-pglite hands that one connection to every caller
 * at once, so two concurrent transactions would interleave their statements. This driver
 * leases the connection to one TypeORM query runner at a time, which gives each
 * transaction the isolation it would have on a PostgreSQL server. Turns are granted in
 * arrival order, except that callers inside withConnectionPriority go first.
 */
export function serializedPGliteDriver(options: { dataDir?: string }): unknown {
  useConnectionPriority();
  const driver = new PGliteDriver(options as ConstructorParameters<typeof PGliteDriver>[0]).driver;
  const BasePool = (driver as unknown as { Pool: new () => BasePoolLike }).Pool;

  class SerializedPool extends BasePool {
    private busy = false;
    private readonly waiting: (() => void)[] = [];
    private readonly urgent: (() => void)[] = [];

    override connect(callback: ConnectCallback): Promise<void> {
      return this.turn(hasConnectionPriority()).then(
        (release) =>
          super.connect((err, client) => {
            let released = false;
            callback(err, client, () => {
              if (!released) {
                released = true;
                release();
              }
            });
          }),
      );
    }

    /**
     * Resolves when the connection is this caller's, with the function that hands it on. The next
     * turn starts from the event loop (setImmediate), not from the previous caller's promise chain:
     * handed on in microtasks, a queue of transactions ran back to back without the loop ever
     * reaching its I/O phase, so sockets (the mail worker's SMTP conversations, new requests)
     * waited until the whole queue was through: 10 of 430 emails of a sendEmail burst were
     * delivered during it, 735 of 739 with the hand-over through the event loop.
     */
    private turn(urgent: boolean): Promise<() => void> {
      const release = () => {
        const next = this.urgent.shift() ?? this.waiting.shift();
        if (next) setImmediate(next);
        else this.busy = false;
      };
      if (!this.busy) {
        this.busy = true;
        return Promise.resolve(release);
      }
      return new Promise((resolve) => (urgent ? this.urgent : this.waiting).push(() => resolve(release)));
    }
  }
  return { Pool: SerializedPool };
}

interface BasePoolLike {
  connect(callback: ConnectCallback): Promise<void>;
}

export { getPGliteInstance };
