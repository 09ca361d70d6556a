import { createHmac, createPrivateKey, type JsonWebKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { generateSigningJwk } from '../src/config/app-config.js';
import { startTestApp, TestApp } from './support/app.js';

const PASSWORD = 'StrongPassword123!';

describe('accounts, login and tokens', () => {
  let t: TestApp;

  // The service's signing key, known to the test so it can forge tokens that differ in one claim.
  const signingJwk = generateSigningJwk('EdDSA');

  beforeAll(async () => {
    t = await startTestApp({
      LOGIN_MAX_FAILURES: '5',
      LOGIN_MAX_FAILURES_PER_IP: '40',
      JWT_SIGNING_KEYS: JSON.stringify({ keys: [signingJwk] }),
    });
  });
  afterAll(() => t.close());

  async function register(username: string, email?: string, password = PASSWORD) {
    return t.http.post('/auth/register', { username, ...(email ? { email } : {}), password });
  }

  describe('POST /auth/register', () => {
    it('creates an account with a trimmed, lower-cased email', async () => {
      const res = await register('st.huber', '  Astro.User@Example.com ');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), username: 'st.huber', emails: ['astro.user@example.com'] });
    });

    it('allows an account without email', async () => {
      const res = await register('no-mail-user');
      expect(res.status).toBe(201);
      expect(res.body.emails).toEqual([]);
    });

    it('refuses a username taken in another case, and a taken email', async () => {
      const byName = await register('ST.HUBER', 'other@example.com');
      expect(byName.status).toBe(409);
      expect(byName.body).toMatchObject({ statusCode: 409, error_code: 'account_exists' });
      const byEmail = await register('someone-else', 'ASTRO.USER@example.com');
      expect(byEmail.status).toBe(409);
      expect(byEmail.body.error_code).toBe('account_exists');
    });

    it('rejects a weak password listing every failed rule', async () => {
      const res = await register('weak', undefined, 'password');
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('password_policy');
      expect(res.body.violations).toEqual(expect.arrayContaining(['uppercase', 'digit', 'special', 'common']));
    });

    it('rejects a password over 72 bytes instead of truncating it', async () => {
      const long = 'Aa1!' + 'é'.repeat(35); // 4 + 70 bytes
      const res = await register('long-pass', undefined, long);
      expect(res.status).toBe(400);
      expect(res.body.violations).toContain('max_bytes');
    });

    it('rejects usernames outside 1..190 characters', async () => {
      expect((await register('', undefined)).status).toBe(400);
      expect((await register('x'.repeat(191), undefined)).status).toBe(400);
      expect((await register('y'.repeat(190), undefined)).status).toBe(201);
    });
  });

  describe('login', () => {
    beforeAll(async () => {
      await register('login.user', 'login.user@example.com');
    });

    it.each(['/auth/login', '/login'])('%s accepts JSON with email or username', async (path) => {
      for (const body of [{ email: 'LOGIN.user@example.com', password: PASSWORD }, { username: 'Login.User', password: PASSWORD }]) {
        const res = await t.http.post(path, body);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          access_token: expect.any(String),
          token_type: 'bearer',
          expires_in: 900,
          refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          refresh_expires_in: 14 * 86400,
        });
      }
    });

    it('accepts the OAuth2 password form, with an email in username', async () => {
      const res = await t.http.post('/login', undefined, {
        form: { grant_type: 'password', username: 'login.user@example.com', password: PASSWORD },
      });
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('bearer');
    });

    it('answers a wrong password and an unknown account alike', async () => {
      const wrong = await t.http.post('/auth/login', { username: 'login.user', password: 'Wrong-Password1!' });
      const unknown = await t.http.post('/auth/login', { username: 'nobody-here', password: 'Wrong-Password1!' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
    });

    it('never matches a password longer than 72 bytes against its 72-byte prefix', async () => {
      const exact72 = 'Aa1!' + 'b'.repeat(68);
      expect((await register('prefix.user', undefined, exact72)).status).toBe(201);
      expect((await t.http.post('/auth/login', { username: 'prefix.user', password: exact72 })).status).toBe(200);
      const longer = await t.http.post('/auth/login', { username: 'prefix.user', password: exact72 + 'XYZ' });
      expect(longer.status).toBe(401);
    });

    it('throttles failed logins per account, even for the right password, with Retry-After', async () => {
      await register('throttled', 'throttled@example.com');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await t.http.post('/auth/login', { username: 'throttled', password: `Wrong-${i}-Pass!` })).status);
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses[5]).toBe(429);
      const blocked = await t.http.post('/auth/login', { username: 'throttled', password: PASSWORD });
      expect(blocked.status).toBe(429);
      expect(blocked.body.error_code).toBe('too_many_attempts');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('throttles failed logins per client IP across accounts', async () => {
      let last = 0;
      for (let i = 0; i < 45 && last !== 429; i++) {
        last = (await t.http.post('/auth/login', { username: `ghost-${i}`, password: 'Wrong-Pass-1!' })).status;
      }
      expect(last).toBe(429);
      // Another account's right password from the same IP is throttled too, until the window passes.
      const { DataSource } = await import('typeorm');
      await t.app.get(DataSource).query(`DELETE FROM login_failures WHERE subject LIKE 'ip:%'`);
      expect((await t.http.post('/auth/login', { username: 'login.user', password: PASSWORD })).status).toBe(200);
    });
  });

  describe('GET /auth/me and token checks', () => {
    let token: string;
    let userId: string;

    beforeAll(async () => {
      const reg = await register('me.user', 'me.user@example.com');
      userId = reg.body.id;
      token = (await t.http.post('/auth/login', { username: 'me.user', password: PASSWORD })).body.access_token;
    });

    it('returns the account of the token', async () => {
      const res = await t.http.get('/auth/me', { token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: userId, username: 'me.user', emails: ['me.user@example.com'] });
    });

    it('carries sub, ver, sid, jti, iat, exp, iss and aud in an EdDSA token naming its key', () => {
      const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).toMatchObject({ alg: 'EdDSA', kid: signingJwk.kid });
      expect(payload).toMatchObject({
        sub: userId,
        ver: 0,
        sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        jti: expect.any(String),
        aud: 'password-reset-service',
        iss: expect.stringMatching(/^http/),
      });
      expect(payload.exp - payload.iat).toBe(900);
    });

    it('rejects missing, malformed, tampered, alg=none, HS256, foreign-key, wrong-audience and exp-less tokens', async () => {
      const [, p] = token.split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const key = createPrivateKey({ key: signingJwk as never, format: 'jwk' });
      const sign = (payload: Record<string, unknown>, signWith = key, kid = signingJwk.kid as string) =>
        new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid }).sign(signWith);
      // HS256 keyed with the public key's bytes: the algorithm-confusion forgery.
      const hsHeader = Buffer.from(JSON.stringify({ alg: 'HS256', kid: signingJwk.kid })).toString('base64url');
      const hsSig = createHmac('sha256', String(signingJwk.x)).update(`${hsHeader}.${p}`).digest('base64url');
      const { exp: _exp, ...withoutExp } = claims;
      const cases = [
        undefined,
        'not-a-jwt',
        // The signature's first character changed (its last one carries padding bits that may not count).
        token.replace(/\.([^.]+)$/, (_, sig: string) => `.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`),
        none,
        `${hsHeader}.${p}.${hsSig}`,
        // A key of no one's, from a JWK rather than a generated KeyObject (see generateSigningJwk).
        await sign(claims, createPrivateKey({ key: generateSigningJwk('EdDSA') as JsonWebKey, format: 'jwk' })),
        await sign(claims, key, 'unknown-kid'),
        await sign({ ...claims, aud: 'someone-else' }),
        await sign({ ...claims, iss: 'https://evil.example' }),
        await sign(withoutExp),
        await sign({ ...claims, sid: 'not-a-uuid' }),
      ];
      for (const bad of cases) {
        const res = await t.http.get('/auth/me', bad ? { token: bad } : {});
        expect(res.status).toBe(401);
        expect(res.body.error_code).toBe('unauthorized');
      }
      // The control: a correctly signed copy of the claims is accepted.
      expect((await t.http.get('/auth/me', { token: await sign(claims) })).status).toBe(200);
    });

    it('rejects a token whose version is older than the account', async () => {
      const { DataSource } = await import('typeorm');
      const ds = t.app.get(DataSource);
      await ds.query('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [userId]);
      expect((await t.http.get('/auth/me', { token })).status).toBe(401);
      const fresh = (await t.http.post('/auth/login', { username: 'me.user', password: PASSWORD })).body.access_token;
      expect((await t.http.get('/auth/me', { token: fresh })).status).toBe(200);
    });
  });

  describe('bad input never yields a 500', () => {
    it.each([
      ['malformed JSON', '{bad', 'application/json', 400, 'invalid_json'],
      ['wrong content type', 'x', 'text/plain', 415, 'unsupported_media_type'],
      ['an array body', '[1,2]', 'application/json', 400, 'validation_failed'],
      ['a null body', 'null', 'application/json', 400, 'validation_failed'],
      ['wrong types', '{"username":5,"password":{"a":1}}', 'application/json', 400, 'validation_failed'],
      ['an unknown field', `{"username":"a","password":"b","admin":true}`, 'application/json', 400, 'validation_failed'],
      ['a body over 16 KiB', JSON.stringify({ username: 'a', password: 'x'.repeat(17000) }), 'application/json', 413, 'payload_too_large'],
    ])('%s', async (_name, raw, type, status, code) => {
      const res = await t.http.post('/auth/login', undefined, { raw, headers: { 'content-type': type } });
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ statusCode: status, error_code: code, message: expect.any(String) });
      expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/);
    });

    it('answers unknown routes with a JSON 404', async () => {
      const res = await t.http.get('/nope');
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe('not_found');
    });
  });

  describe('health and docs', () => {
    it('is live and ready', async () => {
      expect((await t.http.get('/health/live')).status).toBe(200);
      const ready = await t.http.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ok');
    });

    it('serves a valid OpenAPI document with the Bearer scheme and Swagger UI', async () => {
      const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
      const doc = (await t.http.get('/docs-json')).body;
      await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      for (const [path, methods] of Object.entries<Record<string, any>>(doc.paths)) {
        for (const [method, op] of Object.entries<any>(methods)) {
          const hasBody = ['post', 'patch', 'put'].includes(method);
          const bodiless =
            path.startsWith('/reset-password') || path === '/auth/logout' || path === '/auth/logout-all' || /^\/admin\/accounts\/\{id\}\/(password-reset|sessions\/revoke)$/.test(path) || path.endsWith('/primary');
          if (hasBody && !bodiless) expect(op.requestBody).toBeDefined();
          expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        }
      }
      const ui = await t.http.get('/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
    });
  });
});
