import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A service that calls this one with OAuth 2.0 client credentials. Its secret is kept only as
 * a keyed hash; a revoked client can neither get tokens nor use the ones it holds.
 */
@Entity('service_clients')
@Unique('service_clients_secret_hash_key', ['secretHash'])
export class ServiceClient {
  /** The client_id. */
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  @Column({ name: 'secret_hash', type: 'bytea', select: false })
  secretHash!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
