import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Fastify's trust function for `hops` proxies in front: the socket peer and the next hops - 1
 * X-Forwarded-For addresses (read from the right) are proxies; the address before them is the
 * client. Only meaningful when every request passes those proxies (TRUST_PROXY). A hop that is
 * not an IP address is not a proxy's entry, so it is not trusted: nothing behind it is used.
 */
export function trustedHops(hops: number | false): false | ((address: string, hop: number) => boolean) {
  return hops ? (address, hop) => hop < hops && isIP(address) !== 0 : false;
}

/**
 * The client address is always an IP address: when the one X-Forwarded-For names is anything
 * else (a name, a list fragment, a 400-character string a client wrote into the header), the
 * request's `ip` is the socket peer's. Everything that counts per client (login failures, rate
 * limits, logs) reads `request.ip`, and a value that cannot be stored made the failed-login
 * record fail, so such a client was never counted.
 */
export function requireValidClientAddress(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request) => {
    if (isIP(request.ip ?? '') !== 0) return;
    Object.defineProperty(request, 'ip', { value: request.socket.remoteAddress, configurable: true });
  });
}
