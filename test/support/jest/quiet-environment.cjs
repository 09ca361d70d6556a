/**
 * The Node test environment, plus: what test applications logged (QuietTestLogger in
 * test/support/quiet-logger.ts) is kept per test and printed only when that test, or a hook,
 * fails. Errors the tests provoke on purpose stay out of a passing run's output.
 * And what test support registers in the file's global AFTER_FILE list runs once the file
 * is done, after its own hooks (test/support/migrated-database.ts closes the file's PGlite).
 */
const { TestEnvironment } = require('jest-environment-node');

const BUFFER = '__testLogBuffer';
const AFTER_FILE = '__afterTestFile';

class QuietEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    if (event.name === 'test_start') this.global[BUFFER] = [];
    const failed =
      (event.name === 'test_done' && event.test.errors.length > 0) || event.name === 'hook_failure';
    if (failed && this.global[BUFFER]?.length) {
      const what = event.name === 'hook_failure' ? `the failed ${event.hook.type} hook` : `the failed test "${event.test.name}"`;
      process.stderr.write(`\nLogged by the application during ${what}:\n${this.global[BUFFER].join('\n')}\n`);
    }
    if (event.name === 'test_done') this.global[BUFFER] = [];
  }

  async teardown() {
    for (const done of this.global[AFTER_FILE] ?? []) await done();
    await super.teardown();
  }
}

module.exports = QuietEnvironment;
