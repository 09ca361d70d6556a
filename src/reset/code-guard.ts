import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { together } from '../database/together.js';
import { CodeFailureRepository } from './code-failure.repository.js';

/** What reserving a slot under the ceiling gave. */
export type CodeSlot =
  /** The try may be evaluated; `id` is the failure row counted in advance. */
  | { id: string; reachedCeiling: boolean }
  /** The ceiling is reached: the try must be refused unevaluated. */
  | null;

/**
 * The ceiling on wrong reset codes per account across all of its requests
 * (RESET_MAX_CODE_FAILURES per RESET_CODE_FAILURE_WINDOW_SECONDS). Every try takes a slot
 * before its code is compared (an advisory lock per subject makes count-then-insert atomic
 * across instances), so concurrent tries cannot overshoot; a right code gives its slot back.
 */
@Injectable()
export class CodeGuard {
  constructor(
    private readonly failures: CodeFailureRepository,
    private readonly config: AppConfig,
  ) {}

  async reserve(tx: EntityManager, subject: string): Promise<CodeSlot> {
    const { maxCodeFailures, codeFailureWindowSeconds } = this.config.reset;
    const { failures, id } = await this.failures.reserve(tx, subject, codeFailureWindowSeconds, maxCodeFailures);
    return id === null ? null : { id, reachedCeiling: failures + 1 >= maxCodeFailures };
  }

  /**
   * True the first time in a window that a subject reaches the ceiling (so it is alerted once);
   * false after that.
   */
  firstAlert(tx: EntityManager, subject: string): Promise<boolean> {
    return this.failures.recordAlert(tx, subject, this.config.reset.codeFailureWindowSeconds);
  }

  /** A right code: its slot goes back. */
  release(id: string): Promise<void> {
    return this.failures.delete(id);
  }

  /** Lifts the ceilings of these subjects (a completed reset). */
  async clear(tx: EntityManager, subjects: string[]): Promise<void> {
    await together(this.failures.deleteSubjects(tx, subjects), this.failures.deleteAlerts(tx, subjects));
  }
}
