import { generateSigningJwk, type JwkSet, type JwtAlg } from '../config/app-config.js';
import { loadJwkSet } from '../config/jwk-set.js';

export type AsymmetricAlg = Exclude<JwtAlg, 'HS256'>;

/**
 * The next JWK Set: a fresh key of `alg` first (it signs from the next start), then the current
 * keys (they keep verifying the tokens they signed). `dropOld` keeps only the newest two: the
 * new key and the one that signed until now. The current set must be valid for `alg`.
 */
export function rotateKeySet(alg: AsymmetricAlg, current: JwkSet | undefined, dropOld = false): JwkSet {
  if (current) loadJwkSet(alg, current);
  const keys = [generateSigningJwk(alg), ...(current?.keys ?? [])];
  return { keys: dropOld ? keys.slice(0, 2) : keys };
}
