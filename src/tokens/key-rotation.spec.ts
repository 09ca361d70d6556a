import { generateSigningJwk } from '../config/app-config.js';
import { loadJwkSet } from '../config/jwk-set.js';
import { rotateKeySet } from './key-rotation.js';

describe('rotateKeySet', () => {
  it.each(['EdDSA', 'ES256', 'RS256'] as const)('starts a set with one fresh %s key when there is none', (alg) => {
    const { keys } = rotateKeySet(alg, undefined);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ alg, use: 'sig', kid: expect.any(String), d: expect.any(String) });
    expect(() => loadJwkSet(alg, { keys })).not.toThrow();
  });

  it('puts the new key first and keeps every current one after it', () => {
    const current = { keys: [generateSigningJwk('EdDSA'), generateSigningJwk('EdDSA'), generateSigningJwk('EdDSA')] };
    const { keys } = rotateKeySet('EdDSA', current);
    expect(keys).toHaveLength(4);
    expect(keys.slice(1)).toEqual(current.keys);
    expect(current.keys.map((k) => k.kid)).not.toContain(keys[0].kid);
  });

  it('with dropOld keeps only the new key and the one that signed until now', () => {
    const current = { keys: [generateSigningJwk('ES256'), generateSigningJwk('ES256'), generateSigningJwk('ES256')] };
    const { keys } = rotateKeySet('ES256', current, true);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toEqual(current.keys[0]);
  });

  it('refuses a current set that does not suit the algorithm', () => {
    expect(() => rotateKeySet('ES256', { keys: [generateSigningJwk('EdDSA')] })).toThrow(/JWT_SIGNING_KEYS: key 1: its alg is EdDSA/);
  });
});
