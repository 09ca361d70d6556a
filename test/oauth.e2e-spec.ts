import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { ServiceClientsService } from '../src/clients/service-clients.service.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD, PASSWORD, TestAccount } from './support/accounts.js';
import { TOKEN_PAIR_BODY } from './support/token-pair.js';

interface Client {
  client_id: string;
  client_secret: string;
  scopes: string[];
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const authOf = (client: Client) => basic(client.client_id, client.client_secret);
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

/**
 * The OAuth 2.0 endpoints over real HTTP, on PGlite or PostgreSQL (DATABASE_URL): client
 * credentials (RFC 6749 §4.4), the refresh-token grant, introspection (RFC 7662), revocation
 * (RFC 7009), the scope guard, and service tokens refused on user routes.
 */
describe('OAuth endpoints for other services', () => {
  let t: TestApp;
  let db: DataSource;
  let introspector: Client;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    introspector = await createClient(t, ['tokens:introspect']);
  });
  afterAll(async () => {
    await t.close();
  });

  const createClient = (app: TestApp, scopes: string[], name = 'billing') => app.app.get(ServiceClientsService).create(name, scopes);
  const tokenRequest = (form: Record<string, string>, authorization?: string, app = t) =>
    app.http.post('/oauth/token', undefined, { form, headers: authorization ? { authorization } : {} });
  async function serviceToken(client: Client, scope?: string, app = t): Promise<string> {
    const res = await tokenRequest({ grant_type: 'client_credentials', ...(scope && { scope }) }, authOf(client), app);
    expect(res.status).toBe(200);
    return res.body.access_token;
  }
  const introspect = (token: string, authorization = authOf(introspector), app = t) =>
    app.http.post('/oauth/introspect', undefined, { form: { token }, headers: { authorization } });
  async function loginPair(a: TestAccount) {
    const res = await login(t, a.username, a.password);
    expect(res.status).toBe(200);
    return res.body as { access_token: string; refresh_token: string };
  }

  describe('POST /oauth/token, grant_type=client_credentials', () => {
    it('answers a service token with no-store that a mesh service verifies against /.well-known/jwks.json', async () => {
      const client = await createClient(t, ['accounts:read', 'accounts:write']);
      const res = await tokenRequest({ grant_type: 'client_credentials' }, authOf(client));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 300, scope: 'accounts:read accounts:write' });

      const jwks = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`), { timeoutDuration: 30_000 });
      const { payload, protectedHeader } = await jwtVerify(res.body.access_token, jwks, {
        issuer: 'http://localhost:3000',
        audience: 'password-reset-service',
        algorithms: ['EdDSA'],
        requiredClaims: ['exp', 'iat', 'jti'],
      });
      expect(protectedHeader.typ).toBe('at+jwt');
      expect(payload).toMatchObject({ sub: client.client_id, client_id: client.client_id, scope: 'accounts:read accounts:write', token_use: 'service' });
      expect(payload.exp! - payload.iat!).toBe(300);
      expect(payload).not.toHaveProperty('sid');
      expect(payload).not.toHaveProperty('ver');
    });

    it('narrows the token to a requested subset of the client’s scopes', async () => {
      const client = await createClient(t, ['accounts:read', 'accounts:write']);
      const res = await tokenRequest({ grant_type: 'client_credentials', scope: 'accounts:read' }, authOf(client));
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('accounts:read');
      expect(claimsOf(res.body.access_token).scope).toBe('accounts:read');
    });

    it('refuses a scope the client does not have, or a malformed scope parameter, with 400 invalid_scope', async () => {
      const client = await createClient(t, ['accounts:read']);
      for (const scope of ['accounts:write', 'accounts:read tokens:introspect', 'accounts:read  accounts:read', ' accounts:read', 'a"b']) {
        const res = await tokenRequest({ grant_type: 'client_credentials', scope }, authOf(client));
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'invalid_scope', error_description: expect.any(String) });
      }
    });

    it('refuses a wrong secret, an unknown or malformed client, another client’s secret and no credentials: 401 invalid_client with WWW-Authenticate: Basic', async () => {
      const client = await createClient(t, ['accounts:read']);
      const other = await createClient(t, ['accounts:read']);
      const wrong = [
        basic(client.client_id, `${client.client_secret.slice(0, -1)}${client.client_secret.endsWith('A') ? 'B' : 'A'}`),
        basic(client.client_id, other.client_secret),
        basic(randomUUID(), client.client_secret),
        basic('not-a-uuid', client.client_secret),
        basic(client.client_id, ''),
        `Basic ${Buffer.from(client.client_id).toString('base64')}`,
        'Basic %%%',
        `Bearer ${client.client_secret}`,
        undefined,
      ];
      for (const authorization of wrong) {
        const res = await tokenRequest({ grant_type: 'client_credentials' }, authorization);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
        expect(res.headers.get('cache-control')).toBe('no-store');
      }
    });

    it('refuses a revoked client at once', async () => {
      const client = await createClient(t, ['accounts:read']);
      await serviceToken(client);
      expect(await t.app.get(ServiceClientsService).revoke(client.client_id)).toBe(true);
      const res = await tokenRequest({ grant_type: 'client_credentials' }, authOf(client));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('stores the client secret only as a keyed hash', async () => {
      const client = await createClient(t, ['accounts:read']);
      const rows = await db.query(`SELECT *, encode(secret_hash, 'base64') AS b64, encode(secret_hash, 'hex') AS hex FROM service_clients WHERE id = $1`, [client.client_id]);
      expect(rows).toHaveLength(1);
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain(client.client_secret);
      expect(stored).not.toContain(Buffer.from(client.client_secret, 'base64url').toString('hex'));
      expect(rows[0].secret_hash).toHaveLength(32);
    });
  });

  describe('POST /oauth/token, other requests', () => {
    it('answers 400 unsupported_grant_type for a grant it does not offer', async () => {
      const client = await createClient(t, ['accounts:read']);
      for (const grant_type of ['password', 'authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'CLIENT_CREDENTIALS']) {
        const res = await tokenRequest({ grant_type, username: 'a', password: 'b' }, authOf(client));
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'unsupported_grant_type', error_description: expect.any(String) });
      }
    });

    it('answers 400 invalid_request for a missing or repeated grant_type, a JSON body, no body and control characters', async () => {
      const client = await createClient(t, ['accounts:read']);
      const headers = { authorization: authOf(client) };
      const requests = [
        () => tokenRequest({ scope: 'accounts:read' }, authOf(client)),
        () => tokenRequest({ grant_type: '' }, authOf(client)),
        () => t.http.post('/oauth/token', undefined, { raw: 'grant_type=client_credentials&grant_type=refresh_token', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } }),
        () => t.http.post('/oauth/token', { grant_type: 'client_credentials' }, { headers }),
        () => t.http.post('/oauth/token', undefined, { headers }),
        () => tokenRequest({ grant_type: 'client_credentials\u0000' }, authOf(client)),
      ];
      for (const request of requests) {
        const res = await request();
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
      }
    });

    it('answers 415 in the OAuth error shape for a body that is neither a form nor JSON', async () => {
      const res = await t.http.post('/oauth/token', undefined, { raw: 'grant_type=client_credentials', headers: { 'content-type': 'text/plain' } });
      expect(res.status).toBe(415);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    });
  });

  describe('POST /oauth/token, grant_type=refresh_token', () => {
    const refreshGrant = (refresh_token: string) => tokenRequest({ grant_type: 'refresh_token', refresh_token });

    it('rotates like /auth/refresh: a new pair, the old refresh token used up, a reuse revokes the session', async () => {
      const a = await createAccount(t);
      const first = await loginPair(a);
      const res = await refreshGrant(first.refresh_token);
      expect({ status: res.status, cacheControl: res.headers.get('cache-control'), body: res.body }).toEqual({ status: 200, cacheControl: 'no-store', body: TOKEN_PAIR_BODY });
      expect(res.body.refresh_token).not.toBe(first.refresh_token);
      expect(claimsOf(res.body.access_token).sid).toBe(claimsOf(first.access_token).sid);
      expect((await t.http.get('/auth/me', { token: res.body.access_token })).status).toBe(200);

      // The first token again is a reuse: invalid_grant, and the whole session dies.
      const reused = await refreshGrant(first.refresh_token);
      expect(reused.status).toBe(400);
      expect(reused.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token was already used; the session has been revoked' });
      expect((await refreshGrant(res.body.refresh_token)).body.error).toBe('invalid_grant');
      expect((await t.http.post('/auth/refresh', { refresh_token: res.body.refresh_token })).body.error_code).toBe('refresh_token_invalid');
      expect((await t.http.get('/auth/me', { token: res.body.access_token })).status).toBe(401);
    });

    it('interoperates with /auth/refresh: a token rotated there is a reuse here', async () => {
      const a = await createAccount(t);
      const first = await loginPair(a);
      expect((await t.http.post('/auth/refresh', { refresh_token: first.refresh_token })).status).toBe(200);
      const res = await refreshGrant(first.refresh_token);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    });

    it('refuses unknown and malformed refresh tokens with invalid_grant, a missing one with invalid_request, a scope with invalid_scope', async () => {
      for (const token of ['A'.repeat(43), 'short', 'x'.repeat(300)]) {
        const res = await refreshGrant(token);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked' });
      }
      const missing = await tokenRequest({ grant_type: 'refresh_token' });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('invalid_request');
      const a = await createAccount(t);
      const pair = await loginPair(a);
      const scoped = await tokenRequest({ grant_type: 'refresh_token', refresh_token: pair.refresh_token, scope: 'accounts:read' });
      expect(scoped.status).toBe(400);
      expect(scoped.body.error).toBe('invalid_scope');
    });

    it('refuses wrong client credentials sent along with a refresh token', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      const res = await tokenRequest({ grant_type: 'refresh_token', refresh_token: pair.refresh_token }, basic(randomUUID(), 'x'.repeat(43)));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect((await refreshGrant(pair.refresh_token)).status).toBe(200);
    });
  });

  describe('POST /oauth/introspect', () => {
    it('a live user token is active with its sub, sid, exp and iat', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      const claims = claimsOf(pair.access_token);
      const res = await introspect(pair.access_token);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        active: true,
        token_use: 'user',
        token_type: 'Bearer',
        sub: a.id,
        sid: claims.sid,
        iss: 'http://localhost:3000',
        iat: claims.iat,
        exp: claims.exp,
        jti: claims.jti,
      });
    });

    it('a service token is active with its client_id and scope; a caller may also authenticate with its own service token', async () => {
      const client = await createClient(t, ['accounts:read', 'accounts:write']);
      const token = await serviceToken(client, 'accounts:write');
      const caller = await serviceToken(introspector);
      const res = await t.http.post('/oauth/introspect', undefined, { form: { token, token_type_hint: 'access_token' }, token: caller });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ active: true, token_use: 'service', sub: client.client_id, client_id: client.client_id, scope: 'accounts:write' });
      expect(res.body).not.toHaveProperty('sid');
    });

    it('is inactive for a revoked session, and for a token of an older token version', async () => {
      const a = await createAccount(t);
      const loggedOut = await loginPair(a);
      expect((await t.http.post('/auth/logout', undefined, { token: loggedOut.access_token })).status).toBe(204);
      expect((await introspect(loggedOut.access_token)).body).toEqual({ active: false });

      const b = await createAccount(t);
      const pair = await loginPair(b);
      await db.query(`UPDATE users SET token_version = token_version + 1 WHERE id = $1`, [b.id]);
      expect((await introspect(pair.access_token)).body).toEqual({ active: false });
    });

    it('is inactive for the tokens issued before a password change', async () => {
      const a = await createAccount(t);
      const before = await loginPair(a);
      const change = await t.http.patch('/auth/resetpassword', { email: a.email, current_password: PASSWORD, new_password: NEW_PASSWORD }, { token: before.access_token });
      expect(change.status).toBe(200);
      expect((await introspect(before.access_token)).body).toEqual({ active: false });
      const after = await login(t, a.username, NEW_PASSWORD);
      expect((await introspect(after.body.access_token)).body.active).toBe(true);
    });

    it('is inactive for a bad signature, another issuer’s key, garbage and a refresh token', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      const [header, payload, signature] = pair.access_token.split('.');
      // The signature's first character: its last one carries padding bits that may not count.
      const tampered = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
      const { generateKeyPair } = await import('jose');
      const foreign = await generateKeyPair('EdDSA');
      const forged = await new SignJWT(claimsOf(pair.access_token)).setProtectedHeader({ alg: 'EdDSA', kid: JSON.parse(Buffer.from(header, 'base64url').toString()).kid }).sign(foreign.privateKey);
      for (const token of [tampered, forged, 'garbage', 'a.b.c', pair.refresh_token, 'x'.repeat(5000)]) {
        const res = await introspect(token);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ active: false });
      }
    });

    it('is inactive for the tokens of a revoked client, which can no longer introspect either', async () => {
      const client = await createClient(t, ['tokens:introspect']);
      const token = await serviceToken(client);
      expect((await introspect(token)).body.active).toBe(true);
      await t.app.get(ServiceClientsService).revoke(client.client_id);
      expect((await introspect(token)).body).toEqual({ active: false });
      const asCaller = await t.http.post('/oauth/introspect', undefined, { form: { token: 'x' }, token });
      expect(asCaller.status).toBe(401);
      expect(asCaller.body.error).toBe('invalid_token');
      expect((await introspect('x', authOf(client))).body.error).toBe('invalid_client');
    });

    it('needs the scope tokens:introspect: 403 insufficient_scope by Basic, by a service token, by a narrowed token', async () => {
      const reader = await createClient(t, ['accounts:read']);
      const both = await createClient(t, ['accounts:read', 'tokens:introspect']);
      const callers = [
        { authorization: authOf(reader) },
        { authorization: `Bearer ${await serviceToken(reader)}` },
        { authorization: `Bearer ${await serviceToken(both, 'accounts:read')}` },
      ];
      for (const headers of callers) {
        const res = await t.http.post('/oauth/introspect', undefined, { form: { token: 'x' }, headers });
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ error: 'insufficient_scope', error_description: 'This route needs the scope tokens:introspect' });
        expect(res.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="tokens:introspect"');
      }
      expect((await introspect('x', authOf(both))).status).toBe(200);
    });

    it('refuses a user token as the caller, and a caller without credentials', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      const asUser = await t.http.post('/oauth/introspect', undefined, { form: { token: pair.access_token }, token: pair.access_token });
      expect(asUser.status).toBe(401);
      expect(asUser.body.error).toBe('invalid_token');
      expect(asUser.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      const anonymous = await t.http.post('/oauth/introspect', undefined, { form: { token: pair.access_token } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBe('invalid_client');
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    });

    it('answers 400 invalid_request without a token', async () => {
      const res = await t.http.post('/oauth/introspect', undefined, { form: { token_type_hint: 'access_token' }, headers: { authorization: authOf(introspector) } });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('POST /oauth/revoke', () => {
    const revoke = (form: Record<string, string>, headers: Record<string, string> = {}) => t.http.post('/oauth/revoke', undefined, { form, headers });

    it('revokes a refresh token’s session: the refresh token and its access tokens stop working', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      const other = await loginPair(a);
      const res = await revoke({ token: pair.refresh_token, token_type_hint: 'refresh_token' });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: pair.refresh_token })).body.error).toBe('invalid_grant');
      expect((await introspect(pair.access_token)).body).toEqual({ active: false });
      expect((await t.http.get('/auth/me', { token: pair.access_token })).status).toBe(401);
      expect((await introspect(other.access_token)).body.active).toBe(true);
    });

    it('answers 200 for unknown tokens, access tokens and a token revoked twice, changing nothing', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      for (const token of ['A'.repeat(43), 'garbage', pair.access_token]) {
        expect((await revoke({ token })).status).toBe(200);
      }
      expect((await introspect(pair.access_token)).body.active).toBe(true);
      expect((await revoke({ token: pair.refresh_token })).status).toBe(200);
      expect((await revoke({ token: pair.refresh_token })).status).toBe(200);
    });

    it('answers 400 invalid_request without a token, and 401 invalid_client for wrong client credentials', async () => {
      const missing = await revoke({});
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('invalid_request');
      const a = await createAccount(t);
      const pair = await loginPair(a);
      const wrong = await revoke({ token: pair.refresh_token }, { authorization: basic(introspector.client_id, 'x'.repeat(43)) });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('invalid_client');
      expect((await introspect(pair.access_token)).body.active).toBe(true);
      expect((await revoke({ token: pair.refresh_token }, { authorization: authOf(introspector) })).status).toBe(200);
      expect((await introspect(pair.access_token)).body.active).toBe(false);
    });
  });

  describe('a service token never acts as a user', () => {
    it('is refused on GET /auth/sessions, GET /auth/me, POST /auth/logout and the Bearer change flow of PATCH /auth/resetpassword', async () => {
      const client = await createClient(t, ['accounts:read', 'accounts:write', 'tokens:introspect']);
      const token = await serviceToken(client);
      expect((await t.http.get('/auth/sessions', { token })).status).toBe(401);
      expect((await t.http.get('/auth/me', { token })).status).toBe(401);
      expect((await t.http.post('/auth/logout', undefined, { token })).status).toBe(401);
      const a = await createAccount(t);
      const change = await t.http.patch('/auth/resetpassword', { email: a.email, current_password: PASSWORD, new_password: NEW_PASSWORD }, { token });
      expect(change.status).toBe(401);
      expect((await login(t, a.username, PASSWORD)).status).toBe(200);
    });

    it('is refused even with a session id and token version of a live user session in its claims', async () => {
      // A token this service would never issue: the same keys, a user's claims and token_use "service".
      const a = await createAccount(t);
      const pair = await loginPair(a);
      const claims = claimsOf(pair.access_token);
      const { AccessTokens } = await import('../src/tokens/access-tokens.js');
      const mixed = await t.app.get(AccessTokens).sign(a.id, { sid: claims.sid, ver: claims.ver, token_use: 'service' }, 60);
      expect((await t.http.get('/auth/sessions', { token: mixed })).status).toBe(401);
      expect((await t.http.get('/auth/sessions', { token: pair.access_token })).status).toBe(200);
      expect((await introspect(mixed)).body).toEqual({ active: false });
    });
  });
});

/** A separate app (one in-process PGlite at a time): service tokens that live one second. */
describe('OAuth introspection of an expired service token', () => {
  let short: TestApp;
  beforeAll(async () => {
    short = await startTestApp({ SERVICE_TOKEN_TTL_SECONDS: '1' });
  });
  afterAll(async () => {
    await short.close();
  });

  it('is inactive once SERVICE_TOKEN_TTL_SECONDS have passed, and the token no longer authenticates its client', async () => {
    const client = await short.app.get(ServiceClientsService).create('expiring', ['tokens:introspect']);
    const res = await short.http.post('/oauth/token', undefined, { form: { grant_type: 'client_credentials' }, headers: { authorization: authOf(client) } });
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(1);
    const token: string = res.body.access_token;
    expect(claimsOf(token).exp - claimsOf(token).iat).toBe(1);
    // Past exp whenever in its second the token was issued (jose allows no clock skew by default).
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await short.http.post('/oauth/introspect', undefined, { form: { token }, headers: { authorization: authOf(client) } });
    expect(expired.status).toBe(200);
    expect(expired.body).toEqual({ active: false });
    const asCaller = await short.http.post('/oauth/introspect', undefined, { form: { token }, token });
    expect(asCaller.status).toBe(401);
    expect(asCaller.body.error).toBe('invalid_token');
  });
});
