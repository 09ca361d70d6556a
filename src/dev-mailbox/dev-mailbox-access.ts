import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { ApiError } from '../common/api-error.js';

/** Headers a proxy adds: a request carrying one was relayed for some other client. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/**
 * Whether `address` (a socket's remote address) is on the loopback network: 127.0.0.0/8, ::1,
 * or an IPv4-mapped loopback address (::ffff:127.0.0.1, what a dual-stack listener reports).
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 → IPv4
  return parsed.range() === 'loopback';
}

/**
 * Whether the dev mailbox may answer this request: the TCP peer is on this machine's loopback
 * network, and no proxy relayed it (a reverse proxy on the same machine connects from
 * loopback for remote clients). Decided by the socket, never by X-Forwarded-For or TRUST_PROXY.
 */
export function devMailboxAllows(remoteAddress: string | undefined, headers: Record<string, unknown>): boolean {
  return isLoopbackAddress(remoteAddress) && PROXY_HEADERS.every((name) => headers[name] === undefined);
}

/** 403 `forbidden` for any client of the dev mailbox that is not on this machine (see devMailboxAllows). */
@Injectable()
export class DevMailboxAccessGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (devMailboxAllows(request.raw.socket.remoteAddress, request.headers)) return true;
    throw new ApiError(403, 'forbidden', 'The dev mailbox answers only requests from this machine');
  }
}
