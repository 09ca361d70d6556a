import { generateKeyPairSync } from 'node:crypto';
import { GENERATE_AS_JWK, generateSigningJwk } from './app-config.js';
import { loadJwkSet } from './jwk-set.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

describe('loadJwkSet', () => {
  it.each(['EdDSA', 'ES256', 'RS256'] as const)('loads %s keys and derives public JWKs without private members', (alg) => {
    const jwk = generateSigningJwk(alg);
    const [key] = loadJwkSet(alg, { keys: [jwk] });
    expect(key.kid).toBe(jwk.kid);
    expect(key.publicJwk).toMatchObject({ kid: jwk.kid, alg, use: 'sig', kty: jwk.kty });
    for (const member of PRIVATE_MEMBERS) expect(key.publicJwk).not.toHaveProperty(member);
  });

  it.each([
    ['a key without kid', () => ({ keys: [{ ...generateSigningJwk('EdDSA'), kid: undefined }] }), /key 1: every key needs a "kid"/],
    ['a kid used twice', () => { const k = generateSigningJwk('EdDSA'); return { keys: [k, { ...generateSigningJwk('EdDSA'), kid: k.kid }] }; }, /key 2: the kid .* is used twice/],
    ['a public key only', () => { const { d: _d, ...pub } = generateSigningJwk('EdDSA'); return { keys: [pub] }; }, /key 1: a private key is needed/],
    ['a key of another alg', () => ({ keys: [generateSigningJwk('ES256')] }), /key 1: its alg is ES256, JWT_ALG is EdDSA/],
    ['a P-256 key without alg', () => ({ keys: [{ ...generateSigningJwk('ES256'), alg: undefined }] }), /key 1: an Ed25519 key .* is needed for EdDSA/],
    ['a broken key', () => ({ keys: [{ kty: 'OKP', crv: 'Ed25519', d: 'AAAA', x: 'AAAA', kid: 'k' }] }), /key 1: not a valid private JWK/],
  ])('refuses %s', (_name, set, message) => {
    expect(() => loadJwkSet('EdDSA', set() as never)).toThrow(message);
  });

  it('refuses RSA keys shorter than 2048 bits and P-384 keys for ES256', () => {
    // JWKs from the generation itself (see generateSigningJwk: exporting its KeyObject can hang).
    const small = { ...generateKeyPairSync('rsa', { modulusLength: 1024, ...GENERATE_AS_JWK }).privateKey, kid: 'small' };
    expect(() => loadJwkSet('RS256', { keys: [small] })).toThrow(/at least 2048 bits/);
    const p384 = { ...generateKeyPairSync('ec', { namedCurve: 'P-384', ...GENERATE_AS_JWK }).privateKey, kid: 'p384' };
    expect(() => loadJwkSet('ES256', { keys: [p384] })).toThrow(/P-256 key/);
  });
});
