import { createHmac } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import { createAccount, NEW_PASSWORD, PASSWORD } from './support/accounts.js';
import { startTestApp, TEST_SECRETS, TestApp } from './support/app.js';

/**
 * A JWT with a valid signature on whatever claims: by the test app's own signing key (EdDSA), or
 * an HMAC one (HS512) keyed with the test JWT_SECRET, an algorithm the service does not accept.
 */
async function signed(claims: Record<string, unknown>, alg: 'EdDSA' | 'HS512' = 'EdDSA'): Promise<string> {
  if (alg === 'HS512') {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = `${part({ alg, typ: 'JWT' })}.${part(claims)}`;
    return `${head}.${createHmac('sha512', TEST_SECRETS.JWT_SECRET).update(head).digest('base64url')}`;
  }
  const [jwk] = JSON.parse(TEST_SECRETS.JWT_SIGNING_KEYS).keys;
  return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid, typ: 'JWT' }).sign(await importJWK(jwk, 'EdDSA'));
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

describe('access tokens', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('responses that carry a token are not cached (RFC 6749 §5.1)', () => {
    const expectNoStore = (res: { status: number; body: any; headers: Headers }) => {
      expect(res.status).toBe(200);
      expect(res.body.access_token).toEqual(expect.any(String));
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
    };

    it('POST /auth/login', async () => {
      const a = await createAccount(t);
      expectNoStore(await t.http.post('/auth/login', { username: a.username, password: PASSWORD }));
    });

    it('POST /login, as JSON and as the OAuth2 password form', async () => {
      const a = await createAccount(t);
      expectNoStore(await t.http.post('/login', { email: a.email, password: PASSWORD }));
      expectNoStore(await t.http.post('/login', undefined, { form: { username: a.email, password: PASSWORD } }));
    });

    it('PATCH /auth/resetpassword, the change flow (a fresh access token)', async () => {
      const a = await createAccount(t);
      const token = (await t.http.post('/auth/login', { username: a.username, password: PASSWORD })).body.access_token;
      const res = await t.http.patch(
        '/auth/resetpassword',
        { email: a.email, current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD },
        { token },
      );
      expectNoStore(res);
    });
  });

  describe('a validly signed token is refused without exp, or with another algorithm', () => {
    let token: string;
    let email: string;

    beforeAll(async () => {
      const a = await createAccount(t);
      email = a.email;
      token = (await t.http.post('/auth/login', { username: a.username, password: PASSWORD })).body.access_token;
    });

    it('GET /auth/me: 401 unauthorized', async () => {
      const { exp: _exp, ...noExp } = claimsOf(token);
      for (const bad of [await signed(noExp), await signed(claimsOf(token), 'HS512')]) {
        const res = await t.http.get('/auth/me', { token: bad });
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ statusCode: 401, error_code: 'unauthorized', message: expect.any(String) });
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
      // The control: the same claims with their exp, signed the same way, are accepted.
      expect((await t.http.get('/auth/me', { token: await signed(claimsOf(token)) })).status).toBe(200);
    });

    it('PATCH /auth/resetpassword (change flow): 401 in the contract shape', async () => {
      const { exp: _exp, ...noExp } = claimsOf(token);
      const res = await t.http.patch(
        '/auth/resetpassword',
        { email, current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD },
        { token: await signed(noExp) },
      );
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, error_code: 'unauthorized', message: expect.any(String) });
    });
  });
});
