import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ServiceClient } from './service-client.entity.js';

/** A client as the token endpoint needs it: with its secret's keyed hash. */
export interface ClientCredentialsRow {
  id: string;
  scopes: string[];
  secretHash: Buffer;
}

/** The queries on service clients, one method each. */
@Injectable()
export class ServiceClientsRepository {
  constructor(@InjectRepository(ServiceClient) private readonly clients: Repository<ServiceClient>) {}

  async create(name: string, scopes: string[], secretHash: Buffer): Promise<ServiceClient> {
    const result = await this.clients
      .createQueryBuilder()
      .insert()
      .into(ServiceClient)
      .values({ name, scopes, secretHash })
      .returning(['id', 'name', 'scopes', 'createdAt', 'revokedAt'])
      .execute();
    const row = result.raw[0] as { id: string; name: string; scopes: string[]; created_at: Date | string; revoked_at: Date | string | null };
    return Object.assign(new ServiceClient(), {
      id: row.id,
      name: row.name,
      scopes: row.scopes,
      createdAt: new Date(row.created_at),
      revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
    });
  }

  /** A client that is not revoked, with its secret hash; null otherwise. */
  async findActiveCredentials(id: string): Promise<ClientCredentialsRow | null> {
    const client = await this.clients.findOne({
      where: { id, revokedAt: IsNull() },
      select: { id: true, scopes: true, secretHash: true },
    });
    return client ? { id: client.id, scopes: client.scopes, secretHash: client.secretHash } : null;
  }

  /** The scopes of a client that is not revoked; null otherwise. */
  async findActiveScopes(id: string): Promise<string[] | null> {
    const client = await this.clients.findOne({ where: { id, revokedAt: IsNull() }, select: { id: true, scopes: true } });
    return client?.scopes ?? null;
  }

  /** Every client, revoked ones included, oldest first. */
  listAll(): Promise<ServiceClient[]> {
    return this.clients.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Revokes a client; false when there was no such client or it was already revoked. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.clients
      .createQueryBuilder()
      .update(ServiceClient)
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND revoked_at IS NULL', { id })
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }
}
