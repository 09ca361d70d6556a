// A Jest reporter that fails the run when any test was skipped or left as a todo, so a
// skipped test is never counted as a pass. Running a subset on purpose (-t / --testNamePattern)
// marks the other tests as skipped, so that case is allowed.
//
// When TEST_SUMMARY_FILE is set, the reporter also appends one JSON line per run with the
// totals; .ci/run adds them up into its closing line.
import { appendFileSync } from 'node:fs';

export default class StrictReporter {
  /** @type {Error | undefined} */
  #error;
  /** @type {{ testNamePattern?: string }} */
  #globalConfig;

  /** @param {{ testNamePattern?: string }} globalConfig */
  constructor(globalConfig) {
    this.#globalConfig = globalConfig;
  }

  /**
   * @param {unknown} _contexts
   * @param {{ numPassedTests: number, numFailedTests: number, numPendingTests: number, numTodoTests: number,
   *   numTotalTests: number, numRuntimeErrorTestSuites: number, testResults: { testFilePath: string,
   *   testResults: { status: string, fullName: string }[] }[] }} results
   */
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    if (process.env.TEST_SUMMARY_FILE) {
      const line = {
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped,
        total: results.numTotalTests,
        brokenSuites: results.numRuntimeErrorTestSuites,
      };
      appendFileSync(process.env.TEST_SUMMARY_FILE, `${JSON.stringify(line)}\n`);
    }
    if (skipped > 0 && !this.#globalConfig.testNamePattern) {
      const names = results.testResults
        .flatMap((file) => file.testResults)
        .filter((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo')
        .map((t) => `  - ${t.fullName}`);
      this.#error = new Error(`${skipped} test(s) skipped or todo; skipped tests do not pass:\n${names.join('\n')}`);
      process.stderr.write(`\n${this.#error.message}\n`);
    }
    if (results.numTotalTests === 0) {
      this.#error = new Error('No tests ran');
      process.stderr.write('\nNo tests ran\n');
    }
  }

  getLastError() {
    return this.#error;
  }
}
