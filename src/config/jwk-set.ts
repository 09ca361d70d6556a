import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { Env } from './env.js';

export type JwtAlg = Env['JWT_ALG'];

/** A JSON Web Key Set as read from configuration (validated when the signing keys load). */
export interface JwkSet {
  keys: Array<Record<string, unknown>>;
}

/** A public key as published in the JWK Set: never a private part. */
export interface PublicJwk {
  kty: string;
  kid: string;
  alg: string;
  use: 'sig';
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

export interface LoadedKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
}

/** Whether a private key suits the algorithm; the reason when it does not. */
function mismatch(alg: Exclude<JwtAlg, 'HS256'>, key: KeyObject): string | null {
  const type = key.asymmetricKeyType;
  if (alg === 'EdDSA') return type === 'ed25519' ? null : `an Ed25519 key (OKP, crv Ed25519) is needed for EdDSA, got ${type}`;
  if (alg === 'ES256') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return type === 'ec' && curve === 'prime256v1' ? null : `a P-256 key (EC, crv P-256) is needed for ES256, got ${type} ${curve ?? ''}`.trim();
  }
  if (type !== 'rsa') return `an RSA key is needed for RS256, got ${type}`;
  return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? null : 'RSA keys for RS256 need at least 2048 bits';
}

/**
 * Reads a JWK Set of private keys for `alg`; throws a configuration error naming the key at fault.
 * Node's crypto parses the JWKs (synchronously, at start-up); jose signs and verifies with them.
 */
export function loadJwkSet(alg: Exclude<JwtAlg, 'HS256'>, set: JwkSet): LoadedKey[] {
  const kids = new Set<string>();
  return set.keys.map((jwk, index) => {
    const problem = (why: string) => new Error(`Invalid configuration:\n  JWT_SIGNING_KEYS: key ${index + 1}: ${why}`);
    const kid = jwk.kid;
    if (typeof kid !== 'string' || kid.length === 0) throw problem('every key needs a "kid"');
    if (kids.has(kid)) throw problem(`the kid "${kid}" is used twice`);
    kids.add(kid);
    if (jwk.alg !== undefined && jwk.alg !== alg) throw problem(`its alg is ${String(jwk.alg)}, JWT_ALG is ${alg}`);
    if (typeof jwk.d !== 'string') throw problem('a private key is needed (the "d" member is missing)');
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: jwk as never, format: 'jwk' });
    } catch (err) {
      throw problem(`not a valid private JWK (${(err as Error).message})`);
    }
    const why = mismatch(alg, privateKey);
    if (why) throw problem(why);
    const publicKey = createPublicKey(privateKey);
    const { kty, crv, x, y, n, e } = publicKey.export({ format: 'jwk' });
    const publicJwk: PublicJwk = { kty: kty!, ...(crv && { crv }), ...(x && { x }), ...(y && { y }), ...(n && { n }), ...(e && { e }), kid, alg, use: 'sig' };
    return { kid, privateKey, publicKey, publicJwk };
  });
}

