import {
  Check,
  Column,
  Index,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { User } from './user.entity.js';

/** An address linked to an account; stored trimmed and lower-cased, unique across accounts. */
@Entity('user_emails')
@Index('user_emails_email_key', ['email'], { unique: true })
@Index('user_emails_user_id_idx', ['userId'])
@Index('user_emails_one_primary', ['userId'], { unique: true, where: 'is_primary' })
@Check('user_emails_email_check', 'email = lower(btrim(email))')
export class UserEmail {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, (user) => user.emails, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'user_emails_user_id_fkey' })
  user!: Relation<User>;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ name: 'is_primary', type: 'boolean', default: false })
  isPrimary!: boolean;

  /** When the owner confirmed the address (a code or link from it); null: not verified. */
  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
