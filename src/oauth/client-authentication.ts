import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthenticatedClient, ServiceClientsService } from '../clients/service-clients.service.js';
import { invalidClient } from './oauth.presenter.js';

const BASIC = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i;

export function hasBasicCredentials(request: FastifyRequest): boolean {
  return /^Basic(\s|$)/i.test(request.headers.authorization ?? '');
}

/**
 * The client id and secret of `Authorization: Basic` (RFC 6749 §2.3.1: each form-urlencoded,
 * then joined by a colon and base64-encoded); null when the header is not well-formed.
 */
export function basicCredentials(header: string): { clientId: string; secret: string } | null {
  const encoded = BASIC.exec(header)?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    const form = (part: string) => decodeURIComponent(part.replaceAll('+', ' '));
    return { clientId: form(decoded.slice(0, colon)), secret: form(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/** Client authentication by HTTP Basic (client_secret_basic): every failure is 401 invalid_client. */
@Injectable()
export class ClientAuthentication {
  constructor(private readonly clients: ServiceClientsService) {}

  /** The client of the request's Basic credentials; 401 invalid_client when they are missing, malformed or wrong. */
  async require(request: FastifyRequest): Promise<AuthenticatedClient> {
    const credentials = basicCredentials(request.headers.authorization ?? '');
    const client = credentials && (await this.clients.authenticate(credentials.clientId, credentials.secret));
    if (!client) throw invalidClient();
    return client;
  }

  /** Like require, when the request sends Basic credentials; undefined when it sends none. */
  async optional(request: FastifyRequest): Promise<AuthenticatedClient | undefined> {
    return hasBasicCredentials(request) ? this.require(request) : undefined;
  }
}
