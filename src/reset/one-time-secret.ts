import { Column, CreateDateColumn, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * The columns of one issued pair of one-time secrets (a 6-digit code and a link token, stored
 * only as keyed hashes: OneTimeSecrets), shared by the tables that hold them (reset requests,
 * address verifications). Usable while `secretStatus` says `live`.
 */
export abstract class OneTimeSecretColumns {
  @Column({ name: 'code_hash', type: 'bytea' })
  codeHash!: Buffer;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'varchar', length: 10 })
  locale!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt!: Date | null;
}

/** The conditional updates every table of one-time secrets makes, on the rule of `status(table)`. */
export class OneTimeSecretUpdates {
  constructor(
    private readonly target: EntityTarget<ObjectLiteral>,
    private readonly table: string,
    private readonly status: (alias: string) => string,
  ) {}

  /**
   * Counts one try, before its code is compared, unless the cap was reached (by this or any
   * concurrent try) or the row is no longer live. Returns the new count, or null when nothing
   * was counted: of any number of concurrent tries, at most `maxAttempts` get a count.
   */
  async countTry(manager: EntityManager, id: string, maxAttempts: number): Promise<number | null> {
    const result = await manager
      .createQueryBuilder()
      .update(this.target)
      .set({ attempts: () => 'attempts + 1' })
      .where('id = :id AND attempts < :maxAttempts', { id, maxAttempts })
      .andWhere(`${this.status(this.table)} = 'live'`)
      .returning(['attempts'])
      .execute();
    return (result.raw as { attempts: number }[])[0]?.attempts ?? null;
  }

  /** Marks the row used if it is still live. Exactly one of any number of concurrent callers gets true. */
  async consume(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(this.target)
      .set({ usedAt: () => 'now()' })
      .where('id = :id', { id })
      .andWhere(`${this.status(this.table)} = 'live'`)
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }
}
