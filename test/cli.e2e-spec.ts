import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningJwk } from '../src/config/app-config.js';
import { loadJwkSet } from '../src/config/jwk-set.js';
import { ensureBuilt } from './support/built-app.js';
import { runCli } from './support/cli.js';

/** `node dist/cli.js keys:rotate`, as an operator runs it (`npm run cli -- keys:rotate`). */
describe('CLI keys:rotate (node dist/cli.js)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('from no keys: prints a JWK Set of one fresh EdDSA key, and nothing else', async () => {
    const { code, stdout, stderr } = await runCli(['keys:rotate']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const set = JSON.parse(stdout);
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String) });
    expect(() => loadJwkSet('EdDSA', set)).not.toThrow();
  });

  it.each(['ES256', 'RS256'] as const)('makes a %s key for JWT_ALG=%s', async (alg) => {
    const { code, stdout, stderr } = await runCli(['keys:rotate'], { JWT_ALG: alg });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(loadJwkSet(alg, JSON.parse(stdout))).toHaveLength(1);
  });

  it('from a set in JWT_SIGNING_KEYS: the new key first, the current keys after it', async () => {
    const current = [generateSigningJwk('EdDSA'), generateSigningJwk('EdDSA')];
    const { code, stdout } = await runCli(['keys:rotate'], { JWT_SIGNING_KEYS: JSON.stringify({ keys: current }) });
    expect(code).toBe(0);
    const { keys } = JSON.parse(stdout);
    expect(keys).toHaveLength(3);
    expect(keys.slice(1)).toEqual(current);
    expect(current.map((k) => k.kid)).not.toContain(keys[0].kid);
  });

  it('from the file JWT_SIGNING_KEYS_FILE names, with --drop-old: only the newest two are left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-keys-'));
    try {
      const current = [generateSigningJwk('ES256'), generateSigningJwk('ES256'), generateSigningJwk('ES256')];
      const file = join(dir, 'keys.json');
      writeFileSync(file, JSON.stringify({ keys: current }));
      const { code, stdout } = await runCli(['keys:rotate', '--drop-old'], { JWT_ALG: 'ES256', JWT_SIGNING_KEYS_FILE: file });
      expect(code).toBe(0);
      const { keys } = JSON.parse(stdout);
      expect(keys).toHaveLength(2);
      expect(keys[1]).toEqual(current[0]);
      expect(keys[0].kid).not.toBe(current[0].kid);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a current set that does not suit JWT_ALG, naming the variable, without a stack trace', async () => {
    const { code, stdout, stderr } = await runCli(['keys:rotate'], { JWT_ALG: 'RS256', JWT_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningJwk('EdDSA')] }) });
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^\s+JWT_SIGNING_KEYS: key 1:/m);
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('refuses HS256, which has no key set', async () => {
    const { code, stderr } = await runCli(['keys:rotate'], { JWT_ALG: 'HS256' });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/JWT_ALG: HS256/);
  });
});
