import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ROOT } from './support/built-app.js';
import { keptTestLogs, QuietTestLogger } from './support/quiet-logger.js';

describe('quiet test logs', () => {
  describe('in this run', () => {
    beforeAll(() => Logger.overrideLogger(new QuietTestLogger()));
    afterAll(() => Logger.overrideLogger(['error', 'fatal']));

    it('keeps what test applications log instead of printing it', () => {
      const write = jest.spyOn(process.stderr, 'write');
      const log = jest.spyOn(console, 'error');
      try {
        new Logger('Errors').error('database_failure: QueryFailedError: PGlite is closed', 'QueryFailedError\n    at query (x.ts:1:1)');
        new Logger('MailDelivery').warn('message 6 deferred');
        new Logger('Bootstrap').log('not kept: only warnings and errors are');
      } finally {
        write.mockRestore();
        log.mockRestore();
      }
      expect(write).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
      expect(keptTestLogs()).toEqual([
        'ERROR [Errors] database_failure: QueryFailedError: PGlite is closed\nQueryFailedError\n    at query (x.ts:1:1)',
        'WARN [MailDelivery] message 6 deferred',
      ]);
    });

    it('starts every test with nothing kept', () => {
      expect(keptTestLogs()).toEqual([]);
    });
  });

  it('prints what was kept when a test fails, and only then', () => {
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--reporters=default', '--testPathIgnorePatterns=/node_modules/',
        '--testMatch', '<rootDir>/test/support/fixtures/logs-on-failure.fixture.ts'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules --no-warnings=ExperimentalWarning' },
        timeout: 120_000,
      },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status).toBe(1);
    expect(output).toMatch(/Tests:\s+1 failed, 1 passed, 2 total/);
    expect(output).toContain('Logged by the application during the failed test "fails, after an error the application logged"');
    expect(output).toContain('ERROR [Real] the log line that explains the failure');
    expect(output).not.toContain('expected failure, kept quiet');
  }, 150_000);
});
