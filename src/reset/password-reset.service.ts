import type { EntityManager } from 'typeorm';
import { Injectable } from '@nestjs/common';
import { CodeVerifier } from './code-verifier.js';
import type { AccountRef } from './reset-accounts.js';
import type { ResetCodeState } from './reset-code.entity.js';
import { ResetCodeRepository } from './reset-code.repository.js';
import { ResetConsumer } from './reset-consumer.js';
import { RequestResetOptions, ResetIssuer } from './reset-issuer.js';

export type { AccountRef } from './reset-accounts.js';
export type { RequestResetOptions } from './reset-issuer.js';

/**
 * The reset core every contract and page calls: issue a request (ResetIssuer: a 6-digit code
 * and a link token, mailed by the mail module's handler of ResetIssued), verify a code
 * (CodeVerifier), and consume a code or token exactly once while setting the new password
 * (ResetConsumer). Contracts only translate their bodies and errors; the handlers that set a
 * password bind ResetFailuresInterceptor (reset-failures.ts) for database failures.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly issuer: ResetIssuer,
    private readonly verifier: CodeVerifier,
    private readonly consumer: ResetConsumer,
    private readonly codes: ResetCodeRepository,
  ) {}

  /** See ResetIssuer.requestReset. */
  requestReset(ref: AccountRef, locale: string, options: RequestResetOptions = {}): Promise<void> {
    return this.issuer.requestReset(ref, locale, options);
  }

  /** Checks a code without using it. Every try counts toward the request's cap (see CodeVerifier.verify). */
  async checkCode(ref: AccountRef, code: string): Promise<void> {
    await this.verifier.verify(await this.verifier.target(ref), code);
  }

  /**
   * Sets a new password with the account's current code; the code is used up.
   * `confirmPassword`, when given, must equal the new password.
   */
  async resetWithCode(ref: AccountRef, code: string, newPassword: string, confirmPassword?: string): Promise<void> {
    const verified = await this.verifier.verify(await this.verifier.target(ref), code);
    await this.consumer.withCode(verified, newPassword, confirmPassword);
  }

  /**
   * Sets a new password with a link token; the token is used up.
   * `confirmPassword`, when given, must equal the new password.
   */
  resetWithToken(token: string | undefined, newPassword: string, confirmPassword?: string): Promise<void> {
    return this.consumer.withToken(token, newPassword, confirmPassword);
  }

  /**
   * The live request a token names, without using it. Throws token_invalid for anything
   * unparseable, unknown, superseded or used, token_expired, or account_deleted.
   */
  requestForToken(token: string): Promise<ResetCodeState> {
    return this.consumer.requestForToken(token);
  }

  /** Whether a genuine token's reset was completed (read-only). */
  tokenWasUsed(token: string): Promise<boolean> {
    return this.consumer.tokenWasUsed(token);
  }

  /** Retires an account's outstanding codes and link tokens, in the caller's transaction (the account was disabled). */
  retireOutstanding(tx: EntityManager, userId: string): Promise<void> {
    return this.codes.supersedeOutstanding(tx, userId);
  }

  /** Deletes an account's reset requests, in the caller's transaction (the account is erased). */
  eraseForAccount(tx: EntityManager, userId: string): Promise<void> {
    return this.codes.deleteForUser(tx, userId);
  }
}
