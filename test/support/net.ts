import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';

/** A port on 127.0.0.1 that was free a moment ago (so a URL can name it before the app boots). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * An address of this machine that is not loopback (IPv4 first, else a global IPv6 one), to
 * reach a server bound to 0.0.0.0 or :: as a client the server sees as not on loopback: a
 * connection to it has that address as its source. Every networked machine has one (this
 * development machine: eth0); without one the calling suite fails with this message rather
 * than pass without testing anything.
 */
export function nonLoopbackAddress(): { address: string; family: 'IPv4' | 'IPv6'; host: string } {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const usable = all.filter((a) => !a.internal && !(a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80')));
  const found = usable.find((a) => a.family === 'IPv4') ?? usable.find((a) => a.family === 'IPv6');
  if (!found) throw new Error('this machine has no network address besides loopback; the suite needs one (e.g. an address on eth0)');
  const family = found.family as 'IPv4' | 'IPv6';
  return { address: found.address, family, host: family === 'IPv6' ? `[${found.address}]` : found.address };
}
