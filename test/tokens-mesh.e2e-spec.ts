import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { generateSigningJwk } from '../src/config/app-config.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount } from './support/accounts.js';

type Alg = 'EdDSA' | 'ES256' | 'RS256';
type Jwk = Record<string, unknown>;

const keySet = (...keys: Jwk[]) => JSON.stringify({ keys });
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Another service of the mesh verifies this service's access tokens with nothing but the
 * public keys it fetches from /.well-known/jwks.json over HTTP (jose's createRemoteJWKSet).
 */
describe('tokens verifiable by the mesh', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function start(env: Record<string, string>): Promise<TestApp> {
    const app = await startTestApp(env);
    apps.push(app);
    return app;
  }

  async function tokenFrom(app: TestApp): Promise<string> {
    const a = await createAccount(app);
    const res = await app.http.post('/auth/login', { username: a.username, password: a.password });
    expect(res.status).toBe(200);
    return res.body.access_token;
  }

  /** What a mesh service does: verify with the remote JWK Set, pinning issuer, audience and algorithm. */
  function meshVerifier(app: TestApp, alg: Alg) {
    // jose gives up on a fetch after 5 s by default; a loaded test machine may need longer.
    const jwks = createRemoteJWKSet(new URL(`${app.url}/.well-known/jwks.json`), { timeoutDuration: 30_000 });
    return (token: string) => jwtVerify(token, jwks, { issuer: 'http://localhost:3000', audience: 'password-reset-service', algorithms: [alg], requiredClaims: ['exp'] });
  }

  describe.each<Alg>(['EdDSA', 'ES256', 'RS256'])('JWT_ALG=%s', (alg) => {
    const oldKey = generateSigningJwk(alg);
    const newKey = generateSigningJwk(alg);

    it('publishes only public keys, cacheable, and its tokens verify against them', async () => {
      const app = await start({ JWT_ALG: alg, JWT_SIGNING_KEYS: keySet(oldKey) });
      const res = await app.http.get('/.well-known/jwks.json');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(res.body.keys).toHaveLength(1);
      const [published] = res.body.keys;
      expect(published).toMatchObject({ kid: oldKey.kid, alg, use: 'sig', kty: oldKey.kty });
      for (const member of PRIVATE_MEMBERS) expect(published).not.toHaveProperty(member);
      expect(res.text).not.toContain(String(oldKey.d));

      const token = await tokenFrom(app);
      const { payload, protectedHeader } = await meshVerifier(app, alg)(token);
      expect(protectedHeader).toMatchObject({ alg, kid: oldKey.kid });
      expect(payload).toEqual({
        iss: 'http://localhost:3000',
        aud: 'password-reset-service',
        sub: expect.any(String),
        iat: expect.any(Number),
        exp: (payload.iat as number) + 900,
        jti: expect.any(String),
        sid: expect.any(String),
        ver: 0,
      });
    });

    it('rotates: new key first, old one kept — both tokens verify; old key removed — old tokens fail', async () => {
      const before = await start({ JWT_ALG: alg, JWT_SIGNING_KEYS: keySet(oldKey) });
      const oldToken = await tokenFrom(before);

      const rotated = await start({ JWT_ALG: alg, JWT_SIGNING_KEYS: keySet(newKey, oldKey) });
      const newToken = await tokenFrom(rotated);
      const duringRotation = meshVerifier(rotated, alg);
      expect((await duringRotation(newToken)).protectedHeader.kid).toBe(newKey.kid);
      expect((await duringRotation(oldToken)).protectedHeader.kid).toBe(oldKey.kid);
      const published = (await rotated.http.get('/.well-known/jwks.json')).body.keys.map((k: Jwk) => k.kid);
      expect(published).toEqual([newKey.kid, oldKey.kid]);

      const after = await start({ JWT_ALG: alg, JWT_SIGNING_KEYS: keySet(newKey) });
      const afterRotation = meshVerifier(after, alg);
      await expect(afterRotation(oldToken)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
      expect((await afterRotation(newToken)).protectedHeader.kid).toBe(newKey.kid);
    });
  });

  it('HS256 (legacy) publishes no keys and no jwks_uri', async () => {
    const app = await start({ JWT_ALG: 'HS256' });
    const jwks = await app.http.get('/.well-known/jwks.json');
    expect(jwks.status).toBe(404);
    expect(jwks.body).toMatchObject({ statusCode: 404, error_code: 'not_found' });
    const config = await app.http.get('/.well-known/openid-configuration');
    expect(config.status).toBe(200);
    expect(config.body).not.toHaveProperty('jwks_uri');
    expect(config.body.id_token_signing_alg_values_supported).toEqual(['HS256']);
    const [header] = (await tokenFrom(app)).split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
  });

  it('GET /.well-known/openid-configuration names the issuer, the keys and the token endpoint', async () => {
    const app = await start({ JWT_ALG: 'ES256', JWT_SIGNING_KEYS: keySet(generateSigningJwk('ES256')), PUBLIC_URL: 'https://reset.example.com' });
    const res = await app.http.get('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(res.body).toEqual({
      issuer: 'https://reset.example.com',
      jwks_uri: 'https://reset.example.com/.well-known/jwks.json',
      token_endpoint: 'https://reset.example.com/oauth/token',
      introspection_endpoint: 'https://reset.example.com/oauth/introspect',
      revocation_endpoint: 'https://reset.example.com/oauth/revoke',
      grant_types_supported: ['client_credentials', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      scopes_supported: ['tokens:introspect', 'accounts:read', 'accounts:write'],
      id_token_signing_alg_values_supported: ['ES256'],
      subject_types_supported: ['public'],
    });
  });

  it('writes every JWT_AUDIENCE into aud; a mesh service checks its own name', async () => {
    const app = await start({ JWT_ALG: 'EdDSA', JWT_SIGNING_KEYS: keySet(generateSigningJwk('EdDSA')), JWT_AUDIENCE: 'orders, billing' });
    const token = await tokenFrom(app);
    const jwks = createRemoteJWKSet(new URL(`${app.url}/.well-known/jwks.json`), { timeoutDuration: 30_000 });
    const { payload } = await jwtVerify(token, jwks, { audience: 'billing' });
    expect(payload.aud).toEqual(['orders', 'billing']);
    await expect(jwtVerify(token, jwks, { audience: 'password-reset-service' })).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed);
    expect((await app.http.get('/auth/me', { token })).status).toBe(200);
  });

  it('keeps the development key in DATA_DIR, so tokens survive a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dev-key-'));
    try {
      const first = await startTestApp({ DATA_DIR: dataDir, JWT_SIGNING_KEYS: undefined });
      const token = await tokenFrom(first);
      const kid = (await first.http.get('/.well-known/jwks.json')).body.keys[0].kid;
      await first.close();
      const secrets = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8'));
      expect(JSON.parse(secrets.jwt_signing_key_EdDSA)).toMatchObject({ kid, kty: 'OKP', crv: 'Ed25519', d: expect.any(String) });

      const restarted = await startTestApp({ DATA_DIR: dataDir, JWT_SIGNING_KEYS: undefined });
      apps.push(restarted);
      expect((await restarted.http.get('/.well-known/jwks.json')).body.keys.map((k: Jwk) => k.kid)).toEqual([kid]);
      await expect(meshVerifier(restarted, 'EdDSA')(token)).resolves.toBeDefined();
      // Another DATA_DIR has another key.
      const other = await startTestApp({ JWT_SIGNING_KEYS: undefined });
      apps.push(other);
      expect((await other.http.get('/.well-known/jwks.json')).body.keys[0].kid).not.toBe(kid);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
