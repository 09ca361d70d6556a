// Verification throughput of the service's access tokens, in a process of its own (started by
// bench/tokens.mjs): `node bench/jwks-verify.mjs <jwks url> <tokens file> <seconds> <concurrency>`.
//
// 1. remote: jose's createRemoteJWKSet on the service's /.well-known/jwks.json and jwtVerify, as
//    another service verifies them (the key set is fetched once and cached by jose);
// 2. local: the same jwtVerify with the same public key imported once in this process: the
//    machine's limit for verifying these tokens.
// Both pin the algorithm, issuer and audience (from the first token's header and claims), run
// `concurrency` loops for `seconds` each, one after the other, and count tokens that verified;
// a token that does not verify fails the run. Prints JSON: {remote, local} tokens/s.
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';

const [jwksUrl, tokensFile, secondsArg, concurrencyArg] = process.argv.slice(2);
const tokens = JSON.parse(readFileSync(tokensFile, 'utf8'));
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);
if (!tokens.length) throw new Error('no tokens to verify');

const header = decodeProtectedHeader(tokens[0]);
const claims = decodeJwt(tokens[0]);
const options = { algorithms: [header.alg], issuer: claims.iss, audience: claims.aud };

/** Verifies tokens round robin from `concurrency` loops for `seconds`; tokens per second. */
async function rate(key) {
  let verified = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await jwtVerify(tokens[next++ % tokens.length], key, options);
        verified += 1;
      }
    }),
  );
  return verified / ((performance.now() - started) / 1000);
}

const remote = await rate(createRemoteJWKSet(new URL(jwksUrl)));
const jwks = await (await fetch(jwksUrl)).json();
const jwk = jwks.keys.find((k) => k.kid === header.kid) ?? jwks.keys[0];
const local = await rate(await importJWK(jwk, header.alg));
console.log(JSON.stringify({ remote, local, tokens: tokens.length, alg: header.alg, concurrency, seconds }));
