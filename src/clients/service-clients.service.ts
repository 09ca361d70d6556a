import { Injectable } from '@nestjs/common';
import { ClientSecrets } from './client-secrets.js';
import { isKnownScope, KNOWN_SCOPES } from '../tokens/scopes.js';
import { ServiceClientsRepository } from './service-clients.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[^\p{Cc}\p{Cf}]{1,100}$/u;

/** What `clients:create` shows once: the secret is not kept and cannot be shown again. */
export interface CreatedClient {
  client_id: string;
  client_secret: string;
  scopes: string[];
}

export interface ClientView {
  client_id: string;
  name: string;
  scopes: string[];
  created_at: string;
  revoked_at: string | null;
}

/** An authenticated client: who it is and what it may ask for. */
export interface AuthenticatedClient {
  id: string;
  scopes: string[];
}

/** A request to create a client that cannot be honoured; its message names the problem. */
export class InvalidClientDefinition extends Error {}

/** Service clients (OAuth 2.0 client credentials): creation, authentication, revocation. */
@Injectable()
export class ServiceClientsService {
  /** Compared against when the client is unknown, so an unknown id costs what a wrong secret does. */
  private readonly decoyHash: Buffer;

  constructor(
    private readonly repository: ServiceClientsRepository,
    private readonly secrets: ClientSecrets,
  ) {
    this.decoyHash = secrets.issue().hash;
  }

  async create(name: string, scopes: string[]): Promise<CreatedClient> {
    const trimmed = name.trim();
    if (!NAME.test(trimmed)) throw new InvalidClientDefinition('--name: 1 to 100 characters, no control characters');
    const wanted = [...new Set(scopes)];
    if (wanted.length === 0) throw new InvalidClientDefinition(`--scopes: at least one of ${KNOWN_SCOPES.join(', ')}`);
    const unknown = wanted.filter((s) => !isKnownScope(s));
    if (unknown.length) throw new InvalidClientDefinition(`--scopes: unknown ${unknown.join(', ')}; known: ${KNOWN_SCOPES.join(', ')}`);
    const { token, hash } = this.secrets.issue();
    const client = await this.repository.create(trimmed, wanted, hash);
    return { client_id: client.id, client_secret: token, scopes: client.scopes };
  }

  async list(): Promise<ClientView[]> {
    const clients = await this.repository.listAll();
    return clients.map((c) => ({
      client_id: c.id,
      name: c.name,
      scopes: c.scopes,
      created_at: c.createdAt.toISOString(),
      revoked_at: c.revokedAt?.toISOString() ?? null,
    }));
  }

  /** Revokes a client: false when there is no such active client. */
  revoke(clientId: string): Promise<boolean> {
    return UUID.test(clientId) ? this.repository.revoke(clientId) : Promise.resolve(false);
  }

  /** The client whose id and secret these are, when it is not revoked; null otherwise. */
  async authenticate(clientId: string, secret: string): Promise<AuthenticatedClient | null> {
    const row = UUID.test(clientId) ? await this.repository.findActiveCredentials(clientId) : null;
    const matches = this.secrets.matches(secret, row?.secretHash ?? this.decoyHash);
    return row && matches ? { id: row.id, scopes: row.scopes } : null;
  }

  /** The scopes of a client that is not revoked; null for a revoked or unknown one. */
  activeScopes(clientId: string): Promise<string[] | null> {
    return UUID.test(clientId) ? this.repository.findActiveScopes(clientId) : Promise.resolve(null);
  }
}
