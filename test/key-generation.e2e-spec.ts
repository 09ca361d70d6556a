import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureBuilt, MAIN_JS } from './support/built-app.js';

/**
 * Signing keys are generated at start-up in development and by the key rotation command. A
 * generation whose KeyObject is then exported as a JWK can deadlock the process (Node holds the
 * key's lock during the export; a garbage collection meanwhile frees the generation job, whose
 * destructor waits for that lock), about once in a few thousand keys. In a child process, so
 * that a deadlock fails the test instead of hanging the test runner.
 */
describe('generating signing keys', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it.each([
    ['EdDSA', 20_000],
    ['ES256', 10_000],
  ])('%s: %i keys in a row, each a valid private JWK, without hanging', async (alg, count) => {
    const appConfig = new URL('config/app-config.js', `file://${MAIN_JS}`).href;
    const script = `
      const { generateSigningJwk } = await import(${JSON.stringify(appConfig)});
      const kids = new Set();
      for (let i = 0; i < ${count}; i++) {
        const jwk = generateSigningJwk(${JSON.stringify(alg)});
        if (typeof jwk.d !== 'string' || typeof jwk.x !== 'string') throw new Error('not a private JWK: ' + JSON.stringify(Object.keys(jwk)));
        kids.add(jwk.kid);
      }
      console.log(kids.size);
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000, killSignal: 'SIGKILL' });
    expect(Number(stdout.trim())).toBe(count);
  }, 90_000);
});
