import { Entity, Index } from 'typeorm';
import { FailureRow } from '../database/row-shapes.js';

/** One failed login of a subject (a name, a name at a network, a network), in a sliding window. */
@Entity('login_failures')
@Index('login_failures_subject_idx', ['subject', 'failedAt'])
export class LoginFailure extends FailureRow {}
