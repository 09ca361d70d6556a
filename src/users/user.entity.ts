import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { UserEmail } from './user-email.entity.js';

/** Also indexed by the migration on lower(username), unique: TypeORM cannot declare an expression index. */
@Entity('users')
@Check('users_username_check', 'char_length(username) BETWEEN 1 AND 190')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Unique case-insensitively (index on lower(username)). */
  @Column({ type: 'varchar', length: 190 })
  username!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 100 })
  passwordHash!: string;

  /** Bumped on every password change; access tokens carrying an older version are rejected. */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion!: number;

  /** Set while the account is disabled (admin API): no login, no reset email, no live session. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @OneToMany(() => UserEmail, (email) => email.user)
  emails!: Relation<UserEmail[]>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
