// Small helpers the benchmark scripts share.
import { createServer } from 'node:net';
import pg from 'pg';

/** A TCP port nothing listens on right now (for the service under test). */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Runs `fn` with a connected PostgreSQL client, and closes it. */
export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
