import { PGliteDriver, getPGliteInstance } from 'typeorm-pglite';

type Release = (err?: unknown) => void;
type ConnectCallback = (err: unknown, client: unknown, release: Release) => void;

/**
 * PGlite is a single connection. typeorm-pglite hands that one connection to every caller
 * at once, so two concurrent transactions would interleave their statements. This driver
 * leases the connection to one TypeORM query runner at a time, which gives each
 * transaction the isolation it would have on a PostgreSQL server.
 */
export function serializedPGliteDriver(options: { dataDir?: string }): unknown {
  const driver = new PGliteDriver(options as ConstructorParameters<typeof PGliteDriver>[0]).driver;
  const BasePool = (driver as unknown as { Pool: new () => BasePoolLike }).Pool;

  class SerializedPool extends BasePool {
    private queue: Promise<void> = Promise.resolve();

    override connect(callback: ConnectCallback): Promise<void> {
      let release!: () => void;
      const turn = new Promise<void>((r) => (release = r));
      const previous = this.queue;
      this.queue = previous.then(() => turn);
      return previous.then(() =>
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
  }
  return { Pool: SerializedPool };
}

interface BasePoolLike {
  connect(callback: ConnectCallback): Promise<void>;
}

export { getPGliteInstance };
