import { format } from 'node:util';
import type { LoggerService } from '@nestjs/common';

/** Where the test environment (test/support/jest/quiet-environment.cjs) looks for a test's logs. */
export const TEST_LOG_BUFFER = '__testLogBuffer';

type Buffered = typeof globalThis & { [TEST_LOG_BUFFER]?: string[] };

/**
 * Nest's logger in test applications. Errors and warnings are kept for the test that is
 * running instead of being printed: tests provoke failures on purpose (a database closed
 * mid-request, an SMTP server answering 550, an injected bcrypt error) and those lines would
 * bury the results in stack traces. When a test or hook fails, the test environment prints
 * what was kept during it, so a real failure still shows its logs.
 */
export class QuietTestLogger implements LoggerService {
  log(): void {}
  debug(): void {}
  verbose(): void {}

  warn(message: unknown, ...params: unknown[]): void {
    this.keep('WARN', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.keep('ERROR', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.keep('FATAL', message, params);
  }

  private keep(level: string, message: unknown, params: unknown[]): void {
    const context = params.length && typeof params[params.length - 1] === 'string' ? String(params.pop()) : '';
    const detail = params.filter((p) => p !== undefined).map((p) => (typeof p === 'string' ? p : format('%o', p)));
    const line = [`${level}${context ? ` [${context}]` : ''} ${message instanceof Error ? (message.stack ?? message.message) : format('%s', message)}`, ...detail].join('\n');
    const global = globalThis as Buffered;
    (global[TEST_LOG_BUFFER] ??= []).push(line);
  }
}

/** What test applications logged since the current test started (see QuietTestLogger). */
export function keptTestLogs(): string[] {
  return [...((globalThis as Buffered)[TEST_LOG_BUFFER] ?? [])];
}
