import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EntityManager } from 'typeorm';
import { together } from '../database/together.js';
import type { User } from '../users/user.entity.js';

/**
 * The reset core's domain events. Each one is emitted inside the transaction of the change it
 * describes and carries that transaction (`tx`): a handler writes what follows from the change
 * (mail to queue, account events, throttles to lift) through `tx`, so it commits or rolls back
 * with the change. A handler that throws rolls the change back. Handlers listen with
 * `@OnEvent(Event.type, { suppressErrors: false })`.
 */

/** `set-password`: the first password of an account an administrator created without one. */
export type ResetPurpose = 'reset' | 'set-password';

/** A reset was issued: a code and a link token for `recipients` (empty: a budget is spent). */
export class ResetIssued {
  static readonly type = 'reset.issued';
  constructor(
    readonly tx: EntityManager,
    readonly account: User,
    readonly recipients: string[],
    readonly code: string,
    readonly link: string,
    readonly expiresAt: Date,
    readonly locale: string,
    readonly purpose: ResetPurpose = 'reset',
  ) {}
}

export type PasswordChangeMethod = 'code' | 'link' | 'current_password';

/**
 * An account's password was changed (`code` and `link`: a completed reset); its sessions are
 * revoked and its reset secrets retired.
 */
export class PasswordChanged {
  static readonly type = 'reset.password-changed';
  readonly changedAt = new Date();
  constructor(
    readonly tx: EntityManager,
    readonly account: User,
    readonly method: PasswordChangeMethod,
    /** The language of the notice. */
    readonly locale: string,
  ) {}
}

/** Wrong codes of an account reached the ceiling for the first time in the window. */
export class CodeGuessingDetected {
  static readonly type = 'reset.code-guessing-detected';
  readonly detectedAt = new Date();
  /** `locale`: the language of the guessed request, for the alert. */
  constructor(readonly tx: EntityManager, readonly account: User, readonly locale: string) {}
}

/**
 * After the commit of a change that had follow-ups (`cause`): work they queued may start now.
 * Carries no transaction; a handler's failure is a `post_commit_failure`.
 */
export class ResetCommitted {
  static readonly type = 'reset.committed';
  constructor(readonly cause: 'issued' | 'password-changed' | 'guessing-detected') {}
}

export type ResetEvent = ResetIssued | PasswordChanged | CodeGuessingDetected | ResetCommitted;

/**
 * Emits the core's events to their handlers and waits for all of them. The handlers of one
 * event do not depend on one another (each writes its own table), so they run together: their
 * statements share the transaction's round trip (see `together`), and a failure is thrown only
 * once every handler has finished with the transaction's connection (emitAsync would reject at
 * the first failure, while the others still issue statements).
 */
@Injectable()
export class ResetEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  async emit(event: ResetEvent): Promise<void> {
    const type = (event.constructor as unknown as { type: string }).type;
    await together(...this.emitter.listeners(type).map(async (handler) => handler(event)));
  }
}
