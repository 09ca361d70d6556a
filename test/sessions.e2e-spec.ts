import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, NEW_PASSWORD, PASSWORD, TestAccount } from './support/accounts.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

interface Pair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

/**
 * Sessions behind the access tokens, over real HTTP: refresh rotation, reuse detection,
 * concurrent refreshes, idle and absolute expiry, logout, the session list, and password
 * resets and changes ending every session. On PGlite, or PostgreSQL with DATABASE_URL.
 */
describe('sessions and refresh tokens', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100' });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  async function loginPair(a: TestAccount, userAgent = 'test-agent/1.0', password = a.password): Promise<Pair> {
    const res = await t.http.post('/auth/login', { username: a.username, password }, { headers: { 'user-agent': userAgent } });
    expect(res.status).toBe(200);
    return res.body;
  }
  const refresh = (token: unknown) => t.http.post('/auth/refresh', { refresh_token: token });
  const me = (token: string) => t.http.get('/auth/me', { token });
  const sessionIdOf = (accessToken: string): string =>
    JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sid;

  describe('POST /auth/refresh', () => {
    it('answers a new pair with no-store; the new access token works; the old refresh token is used up', async () => {
      const a = await createAccount(t);
      const first = await loginPair(a);
      const res = await refresh(first.refresh_token);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 900,
        refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        refresh_expires_in: 14 * 86400,
      });
      expect(res.body.refresh_token).not.toBe(first.refresh_token);
      expect(sessionIdOf(res.body.access_token)).toBe(sessionIdOf(first.access_token));
      expect((await me(res.body.access_token)).status).toBe(200);
      // The refresh tokens are stored only as keyed hashes.
      const stored = await db.query(`SELECT encode(token_hash, 'base64') AS h FROM refresh_tokens`);
      const hashes = stored.map((r: { h: string }) => r.h).join(' ');
      expect(hashes).not.toContain(Buffer.from(first.refresh_token).toString('base64'));
      expect(JSON.stringify(stored)).not.toContain(first.refresh_token);
      // A second rotation works from the new token.
      expect((await refresh(res.body.refresh_token)).status).toBe(200);
    });

    it('treats a rotated token presented again as theft: 401 refresh_token_reused and the whole session dies', async () => {
      const a = await createAccount(t);
      const first = await loginPair(a);
      const second = (await refresh(first.refresh_token)).body as Pair;
      const other = await loginPair(a); // another session of the account, unaffected

      const reused = await refresh(first.refresh_token);
      expect(reused.status).toBe(401);
      expect(reused.body).toMatchObject({ statusCode: 401, error_code: 'refresh_token_reused' });
      // The legitimate client's newest tokens die with the session.
      const after = await refresh(second.refresh_token);
      expect(after.status).toBe(401);
      expect(after.body.error_code).toBe('refresh_token_invalid');
      expect((await me(second.access_token)).status).toBe(401);
      expect((await me(first.access_token)).status).toBe(401);
      expect((await me(other.access_token)).status).toBe(200);
      expect((await refresh(other.refresh_token)).status).toBe(200);
    });

    it('lets exactly one of concurrent refreshes with one token win', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      const results = await Promise.all(Array.from({ length: 6 }, () => refresh(pair.refresh_token)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 401, 401, 401, 401, 401]);
      for (const r of results.filter((x) => x.status === 401)) expect(r.body.error_code).toBe('refresh_token_reused');
      // Only one new refresh token was ever issued for the session.
      const [{ count }] = await db.query(
        `SELECT count(*)::int AS count FROM refresh_tokens WHERE session_id = $1`,
        [sessionIdOf(pair.access_token)],
      );
      expect(count).toBe(2);
    });

    it('refuses unknown, malformed and missing refresh tokens without a 500', async () => {
      for (const token of ['A'.repeat(43), 'short', 'x'.repeat(200), '../../etc/passwd']) {
        const res = await refresh(token);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ statusCode: 401, error_code: 'refresh_token_invalid' });
      }
      for (const body of [{}, { refresh_token: 5 }, { refresh_token: '' }, { refresh_token: 'a'.repeat(300) }]) {
        const res = await t.http.post('/auth/refresh', body);
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('validation_failed');
      }
    });

    it('ends a session idle for longer than SESSION_IDLE_SECONDS', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      await db.query(`UPDATE sessions SET last_used_at = now() - interval '14 days 1 minute' WHERE id = $1`, [sessionIdOf(pair.access_token)]);
      expect((await me(pair.access_token)).status).toBe(401);
      const res = await refresh(pair.refresh_token);
      expect(res.status).toBe(401);
      expect(res.body.error_code).toBe('refresh_token_invalid');
    });

    it('keeps a session used within the idle timeout', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      await db.query(`UPDATE sessions SET last_used_at = now() - interval '13 days' WHERE id = $1`, [sessionIdOf(pair.access_token)]);
      expect((await me(pair.access_token)).status).toBe(200);
      const res = await refresh(pair.refresh_token);
      expect(res.status).toBe(200);
      // The refresh reset the idle clock.
      const [row] = await db.query(`SELECT last_used_at > now() - interval '1 minute' AS fresh FROM sessions WHERE id = $1`, [sessionIdOf(pair.access_token)]);
      expect(row.fresh).toBe(true);
    });

    it('ends a session at its absolute lifetime however recently it was refreshed', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      const sid = sessionIdOf(pair.access_token);
      const [row] = await db.query(`SELECT extract(epoch FROM expires_at - created_at)::int AS lifetime FROM sessions WHERE id = $1`, [sid]);
      expect(row.lifetime).toBe(90 * 86400);
      await db.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [sid]);
      expect((await me(pair.access_token)).status).toBe(401);
      expect((await refresh(pair.refresh_token)).body.error_code).toBe('refresh_token_invalid');
    });

    it('caps refresh_expires_in by what is left of the session lifetime', async () => {
      const a = await createAccount(t);
      const pair = await loginPair(a);
      await db.query(`UPDATE sessions SET expires_at = now() + interval '1 hour' WHERE id = $1`, [sessionIdOf(pair.access_token)]);
      const res = await refresh(pair.refresh_token);
      expect(res.body.refresh_expires_in).toBeLessThanOrEqual(3600);
      expect(res.body.refresh_expires_in).toBeGreaterThan(3500);
    });
  });

  describe('session routes', () => {
    it('GET /auth/sessions lists the live sessions with the current one marked', async () => {
      const a = await createAccount(t);
      const phone = await loginPair(a, 'phone-app/2.1');
      const laptop = await loginPair(a, 'laptop-browser/99');
      const ended = await loginPair(a, 'ended/1');
      expect((await t.http.post('/auth/logout', undefined, { token: ended.access_token })).status).toBe(204);

      const res = await t.http.get('/auth/sessions', { token: laptop.access_token });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toHaveLength(2);
      const byAgent = Object.fromEntries(res.body.map((s: { user_agent: string }) => [s.user_agent, s]));
      expect(byAgent['laptop-browser/99']).toEqual({
        id: sessionIdOf(laptop.access_token),
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        last_used_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        user_agent: 'laptop-browser/99',
        client_ip: '127.0.0.1',
        current: true,
      });
      expect(byAgent['phone-app/2.1']).toMatchObject({ id: sessionIdOf(phone.access_token), current: false });
    });

    it('DELETE /auth/sessions/{id} revokes one of the account’s sessions, and only the account’s', async () => {
      const a = await createAccount(t);
      const b = await createAccount(t);
      const mine = await loginPair(a);
      const other = await loginPair(a);
      const foreign = await loginPair(b);

      const notMine = await t.http.request('DELETE', `/auth/sessions/${sessionIdOf(foreign.access_token)}`, undefined, { token: mine.access_token });
      expect(notMine.status).toBe(404);
      expect(notMine.body.error_code).toBe('session_not_found');
      expect((await me(foreign.access_token)).status).toBe(200);

      // An id longer than the router's default parameter limit gets the same answer, in the same shape.
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', 'A'.repeat(300)]) {
        const res = await t.http.request('DELETE', `/auth/sessions/${id}`, undefined, { token: mine.access_token });
        expect(res.status).toBe(404);
        expect(res.body.error_code).toBe('session_not_found');
      }

      const res = await t.http.request('DELETE', `/auth/sessions/${sessionIdOf(other.access_token)}`, undefined, { token: mine.access_token });
      expect(res.status).toBe(204);
      expect((await me(other.access_token)).status).toBe(401);
      expect((await refresh(other.refresh_token)).body.error_code).toBe('refresh_token_invalid');
      expect((await me(mine.access_token)).status).toBe(200);
      // Revoked already: nothing left to revoke.
      const again = await t.http.request('DELETE', `/auth/sessions/${sessionIdOf(other.access_token)}`, undefined, { token: mine.access_token });
      expect(again.status).toBe(404);
    });

    it('POST /auth/logout ends this session only', async () => {
      const a = await createAccount(t);
      const one = await loginPair(a);
      const two = await loginPair(a);
      const res = await t.http.post('/auth/logout', undefined, { token: one.access_token });
      expect(res.status).toBe(204);
      expect((await me(one.access_token)).status).toBe(401);
      expect((await refresh(one.refresh_token)).status).toBe(401);
      expect((await me(two.access_token)).status).toBe(200);
      // The logged-out token cannot log out again.
      expect((await t.http.post('/auth/logout', undefined, { token: one.access_token })).status).toBe(401);
    });

    it('POST /auth/logout-all ends every session of the account, and no other account’s', async () => {
      const a = await createAccount(t);
      const b = await createAccount(t);
      const sessions = [await loginPair(a), await loginPair(a), await loginPair(a)];
      const foreign = await loginPair(b);
      const res = await t.http.post('/auth/logout-all', undefined, { token: sessions[0].access_token });
      expect(res.status).toBe(204);
      for (const s of sessions) {
        expect((await me(s.access_token)).status).toBe(401);
        expect((await refresh(s.refresh_token)).status).toBe(401);
      }
      expect((await me(foreign.access_token)).status).toBe(200);
      const relogin = await loginPair(a);
      expect((await me(relogin.access_token)).status).toBe(200);
    });

    it('refuses the session routes without a valid access token', async () => {
      for (const [method, path] of [['GET', '/auth/sessions'], ['POST', '/auth/logout'], ['POST', '/auth/logout-all'], ['DELETE', '/auth/sessions/00000000-0000-4000-8000-000000000000']]) {
        const res = await t.http.request(method, path, undefined, { token: 'not-a-jwt' });
        expect(res.status).toBe(401);
        expect(res.body.error_code).toBe('unauthorized');
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
    });
  });

  it('documents every session and discovery route, with a schema for every answer that has a body', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    const expected: Array<[string, string, string[]]> = [
      ['/auth/refresh', 'post', ['200', '400', '401', '413', '408', '415', '429', '431', '500', '503']],
      ['/auth/sessions', 'get', ['200', '401', '408', '415', '429', '431', '500', '503']],
      ['/auth/sessions/{id}', 'delete', ['204', '400', '401', '404', '413', '408', '415', '429', '431', '500', '503']],
      ['/auth/logout', 'post', ['204', '400', '401', '413', '408', '415', '429', '431', '500', '503']],
      ['/auth/logout-all', 'post', ['204', '400', '401', '413', '408', '415', '429', '431', '500', '503']],
      ['/.well-known/jwks.json', 'get', ['200', '404', '408', '415', '429', '431', '500', '503']],
      ['/.well-known/openid-configuration', 'get', ['200', '408', '415', '429', '431', '500', '503']],
    ];
    for (const [path, method, statuses] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op).toBeDefined();
      expect(Object.keys(op.responses).sort()).toEqual(statuses.sort());
      for (const status of statuses.filter((code) => code !== '204')) {
        expect(op.responses[status].content['application/json'].schema).toBeDefined();
      }
    }
    const token = doc.components.schemas.TokenDto;
    expect(token.required).toEqual(expect.arrayContaining(['access_token', 'refresh_token', 'refresh_expires_in']));
    expect(doc.paths['/auth/refresh'].post.requestBody.content['application/json'].schema.$ref).toMatch(/RefreshDto$/);
  });

  describe('password resets and changes', () => {
    it('a reset by code ends every session of the account', async () => {
      const a = await createAccount(t);
      const sessions = [await loginPair(a), await loginPair(a)];
      const before = smtp.messages.filter(smtp.to(a.email)).length;
      expect((await t.http.post('/api/auth/forgotPassword/sendEmail', { username: a.username })).status).toBe(200);
      const mails = await smtp.waitFor(smtp.to(a.email), before + 1);
      const { code } = secretsFrom(mails[before]);
      const done = await t.http.post('/api/auth/forgotPassword/resetPassword', { username: a.username, code, new_password: NEW_PASSWORD });
      expect(done.status).toBe(200);
      for (const s of sessions) {
        expect((await me(s.access_token)).status).toBe(401);
        const res = await refresh(s.refresh_token);
        expect(res.status).toBe(401);
        expect(res.body.error_code).toBe('refresh_token_invalid');
      }
      const [{ live }] = await db.query(`SELECT count(*)::int AS live FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [a.id]);
      expect(live).toBe(0);
    });

    it('a password change ends every session and answers the pair of one new session', async () => {
      const a = await createAccount(t);
      const caller = await loginPair(a);
      const elsewhere = await loginPair(a);
      const res = await t.http.patch(
        '/auth/resetpassword',
        { email: a.email, current_password: PASSWORD, new_password: NEW_PASSWORD },
        { token: caller.access_token },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), refresh_expires_in: 14 * 86400 });
      for (const s of [caller, elsewhere]) {
        expect((await me(s.access_token)).status).toBe(401);
        expect((await refresh(s.refresh_token)).status).toBe(401);
      }
      expect((await me(res.body.access_token)).status).toBe(200);
      const list = await t.http.get('/auth/sessions', { token: res.body.access_token });
      expect(list.body).toHaveLength(1);
      expect(list.body[0].current).toBe(true);
      expect((await refresh(res.body.refresh_token)).status).toBe(200);
    });
  });
});
