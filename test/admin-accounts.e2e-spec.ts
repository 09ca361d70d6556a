import { DataSource } from 'typeorm';
import { ServiceClientsService } from '../src/clients/service-clients.service.js';
import type { ServiceScope } from '../src/tokens/scopes.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD, PASSWORD, uniqueName } from './support/accounts.js';
import { eventsOf } from './support/events.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A service client with `scopes`, made by the service itself, and a token from POST /oauth/token. */
async function serviceToken(t: TestApp, scopes: ServiceScope[]): Promise<string> {
  const client = await t.app.get(ServiceClientsService).create(`admin-test-${scopes.join('-')}`, scopes);
  const res = await t.http.post('/oauth/token', undefined, {
    form: { grant_type: 'client_credentials' },
    headers: { authorization: basic(client.client_id, client.client_secret) },
  });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

/**
 * The admin API over real HTTP, on PGlite or PostgreSQL (DATABASE_URL), with a real SMTP
 * server: service tokens with accounts:read / accounts:write, every route, pagination and
 * filters, disabled accounts on every login and reset route, erasure, the set-your-password
 * email, and the account events each change writes.
 */
describe('Admin API /admin/accounts', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let db: DataSource;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100' });
    db = t.app.get(DataSource);
    writer = await serviceToken(t, ['accounts:read', 'accounts:write']);
    reader = await serviceToken(t, ['accounts:read']);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const create = (body: Record<string, unknown>, token = writer) => t.http.post('/admin/accounts', body, { token });
  const get = (path: string, token = writer) => t.http.get(`/admin/accounts${path}`, { token });
  const patch = (id: string, body: Record<string, unknown>) => t.http.patch(`/admin/accounts/${id}`, body, { token: writer });
  const remove = (path: string) => t.http.request('DELETE', `/admin/accounts/${path}`, undefined, { token: writer });
  const countRows = async (sql: string, params: unknown[]) => Number((await db.query(sql, params))[0].n);

  describe('scopes', () => {
    it('refuses a request without a token, with a user token, and without the route scope, in the service error shape', async () => {
      const account = await createAccount(t);
      const userToken = (await login(t, account.username, PASSWORD)).body.access_token as string;
      const introspector = await serviceToken(t, ['tokens:introspect']);

      const none = await t.http.get('/admin/accounts');
      expect([none.status, none.body]).toEqual([401, { statusCode: 401, error_code: 'invalid_token', message: 'A valid service access token is required' }]);
      expect((await get('', userToken)).status).toBe(401);
      expect((await create({ username: uniqueName(), emails: [] }, userToken)).status).toBe(401);

      const readOnly = await create({ username: uniqueName(), emails: [] }, reader);
      expect([readOnly.status, readOnly.body.error_code]).toEqual([403, 'insufficient_scope']);
      expect(readOnly.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="accounts:write"');
      expect((await t.http.request('DELETE', `/admin/accounts/${account.id}`, undefined, { token: reader })).status).toBe(403);
      expect((await get('', introspector)).status).toBe(403);
      expect((await get(`/${account.id}`, reader)).status).toBe(200);
    });
  });

  describe('POST /admin/accounts', () => {
    it('creates an account with a password that logs in at once; 409 username_taken and email_taken', async () => {
      const username = uniqueName('admin');
      const email = `${username}@example.com`;
      const res = await create({ username, emails: [{ email: email.toUpperCase(), verified: true }, { email: `second.${email}` }], password: PASSWORD });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        username,
        emails: [{ email, primary: true }, { email: `second.${email}`, primary: false }],
        disabled: false,
        created_at: expect.any(String),
      });
      expect((await login(t, email, PASSWORD)).status).toBe(200);

      const takenName = await create({ username: username.toUpperCase(), emails: [] });
      expect([takenName.status, takenName.body]).toEqual([409, { statusCode: 409, error_code: 'username_taken', message: 'An account with this username already exists' }]);
      const takenEmail = await create({ username: uniqueName(), emails: [{ email }] });
      expect([takenEmail.status, takenEmail.body.error_code]).toEqual([409, 'email_taken']);
      expect(await countRows('SELECT count(*) AS n FROM users WHERE id <> $1 AND lower(username) = lower($2)', [res.body.id, username])).toBe(0);

      const events = await eventsOf(t, res.body.id);
      expect(events.map((e) => [e.type, e.data])).toEqual([
        ['account.created', { username }],
        ['email.added', { email, primary: true }],
        ['email.added', { email: `second.${email}`, primary: false }],
      ]);
      expect(JSON.stringify(events)).not.toContain(PASSWORD);
    });

    it('without a password sends a "set your password" email whose link sets the password', async () => {
      const username = uniqueName('invited');
      const email = `${username}@example.com`;
      const res = await create({ username, emails: [{ email }] });
      expect(res.status).toBe(201);
      const [mail] = await smtp.waitFor(smtp.to(email));
      expect(mail.subject).toBe('Set your password');
      const { token, code } = secretsFrom(mail);

      const set = await t.http.post(`/api/auth/password/reset?token=${encodeURIComponent(token)}`, { password: NEW_PASSWORD });
      expect(set.status).toBe(200);
      expect((await login(t, username, NEW_PASSWORD)).status).toBe(200);
      const events = await eventsOf(t, res.body.id);
      expect(events.map((e) => e.type)).toEqual(['account.created', 'email.added', 'password.reset', 'sessions.revoked']);
      expect(JSON.stringify(events)).not.toMatch(new RegExp(`${token}|${code}|${NEW_PASSWORD}`));
    });

    it('refuses a weak password and a body without emails', async () => {
      const weak = await create({ username: uniqueName(), emails: [], password: 'password' });
      expect([weak.status, weak.body.error_code]).toEqual([400, 'password_policy']);
      const noEmails = await create({ username: uniqueName() });
      expect([noEmails.status, noEmails.body.error_code]).toEqual([400, 'validation_failed']);
    });

    it.each([
      ['not a list', 'ada@example.com', ['body', 'emails']],
      ['null', null, ['body', 'emails']],
      ['an item that is not an object', [null], ['body', 'emails', 0]],
      ['a nested list', [['ada@example.com']], ['body', 'emails', 0]],
      ['an address that is an object', [{ email: { a: 1 } }], ['body', 'emails', 0, 'email']],
      ['an invisible character', [{ email: 'ada\u200b@example.com' }], ['body', 'emails', 0, 'email']],
      ['an unknown field', [{ email: 'ada@example.com', primary: true }], ['body', 'emails', 0, 'primary']],
      ['verified that is not a boolean', [{ email: 'ada@example.com', verified: 'yes' }], ['body', 'emails', 0, 'verified']],
      ['no address', [{ verified: true }], ['body', 'emails', 0, 'email']],
      ['eleven addresses', Array.from({ length: 11 }, (_, i) => ({ email: `a${i}@example.com` })), ['body', 'emails']],
    ])('refuses emails with %s: 400 naming the field, nothing created', async (_, emails, loc) => {
      const username = uniqueName('bad');
      const res = await create({ username, emails });
      expect([res.status, res.body.error_code]).toEqual([400, 'validation_failed']);
      expect(res.body.errors.map((e: { loc: unknown }) => e.loc)).toContainEqual(loc);
      expect(await countRows('SELECT count(*) AS n FROM users WHERE username = $1', [username])).toBe(0);
    });
  });

  describe('GET /admin/accounts', () => {
    it('walks 25 accounts in pages of 10 with no duplicate and none missing; filters by username and email prefix', async () => {
      const prefix = uniqueName('page');
      const created: string[] = [];
      for (let i = 0; i < 25; i++) {
        const res = await create({ username: `${prefix}.${i}`, emails: [{ email: `${prefix}.${i}@example.org` }], password: PASSWORD });
        created.push(res.body.id);
      }
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=10&username=${encodeURIComponent(prefix.toUpperCase())}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await get(query, reader);
        expect(page.status).toBe(200);
        sizes.push(page.body.accounts.length);
        seen.push(...page.body.accounts.map((a: { id: string }) => a.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(sizes).toEqual([10, 10, 5]);
      expect(new Set(seen).size).toBe(25);
      expect([...seen].sort()).toEqual([...created].sort());

      const byEmail = await get(`?email=${encodeURIComponent(`${prefix}.1`)}`, reader);
      expect(byEmail.body.accounts.map((a: { username: string }) => a.username).sort()).toEqual(
        [1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map((i) => `${prefix}.${i}`).sort(),
      );
      expect(byEmail.body.next_cursor).toBeNull();
      // LIKE wildcards in a filter are plain characters.
      expect((await get(`?username=${encodeURIComponent(`${prefix.slice(0, -1)}_`)}`, reader)).body.accounts).toEqual([]);
    });

    it('answers 400 for a bad cursor or limit, 404 for an unknown or malformed id', async () => {
      expect((await get('?cursor=not-a-cursor')).body.error_code).toBe('invalid_cursor');
      expect((await get('?limit=101')).status).toBe(400);
      expect((await get('?limit=0')).status).toBe(400);
      const unknown = await get('/0b9f7c9e-2a51-4cf2-9d53-3f3f3e1b6a10');
      expect([unknown.status, unknown.body.error_code]).toEqual([404, 'account_not_found']);
      expect((await get('/not-a-uuid')).status).toBe(404);
    });
  });

  describe('PATCH /admin/accounts/{id}', () => {
    it('renames an account (account.updated); 409 for a taken username', async () => {
      const a = await createAccount(t);
      const b = await createAccount(t);
      const renamed = `${a.username}.renamed`;
      const res = await patch(a.id, { username: renamed });
      expect([res.status, res.body.username]).toEqual([200, renamed]);
      expect((await login(t, renamed, PASSWORD)).status).toBe(200);
      expect((await patch(a.id, { username: b.username })).body.error_code).toBe('username_taken');
      expect((await eventsOf(t, a.id)).filter((e) => e.type === 'account.updated').map((e) => e.data)).toEqual([{ username: renamed }]);
    });

    it('a disabled account cannot log in on any route, gets no reset email, and its sessions and tokens die at once', async () => {
      const a = await createAccount(t);
      const pair = (await login(t, a.username, PASSWORD)).body as { access_token: string; refresh_token: string };
      const wrongPassword = await login(t, a.username, 'Wrong-Password-1!');

      const res = await patch(a.id, { disabled: true });
      expect([res.status, res.body.disabled]).toEqual([200, true]);

      const refused = await login(t, a.username, PASSWORD);
      expect([refused.status, refused.body]).toEqual([wrongPassword.status, wrongPassword.body]);
      const contractLogin = await t.http.post('/login', { username: a.email, password: PASSWORD });
      const contractWrong = await t.http.post('/login', { username: a.email, password: 'Wrong-Password-1!' });
      expect([contractLogin.status, contractLogin.body]).toEqual([401, contractWrong.body]);
      expect((await t.http.get('/auth/me', { token: pair.access_token })).status).toBe(401);
      expect((await t.http.post('/auth/refresh', { refresh_token: pair.refresh_token })).status).toBe(401);

      const reset = await t.http.post('/api/auth/password/reset-request', { email: a.email });
      const unknown = await t.http.post('/api/auth/password/reset-request', { email: `nobody.${a.email}` });
      expect([reset.status, reset.body]).toEqual([unknown.status, unknown.body]);
      const byName = await t.http.post('/api/auth/forgotPassword/sendEmail', { username: a.username });
      expect(byName.status).toBe(404);
      expect(await countRows('SELECT count(*) AS n FROM mail_outbox WHERE recipient = $1', [a.email])).toBe(0);

      const events = await eventsOf(t, a.id);
      expect(events.filter((e) => e.type !== 'account.created' && e.type !== 'email.added').map((e) => [e.type, e.data])).toEqual([
        ['account.disabled', {}],
        ['sessions.revoked', { reason: 'account.disabled', count: 1 }],
      ]);

      // Enabled again: the password works, the old tokens stay dead.
      expect((await patch(a.id, { disabled: false })).body.disabled).toBe(false);
      expect((await login(t, a.username, PASSWORD)).status).toBe(200);
      expect((await t.http.get('/auth/me', { token: pair.access_token })).status).toBe(401);
    });
  });

  describe('addresses, resets and sessions', () => {
    it('links and unlinks addresses (email.added); 409 email_taken, 404 email_not_found', async () => {
      const a = await createAccount(t);
      const other = await createAccount(t);
      const extra = `extra.${a.email}`;
      const added = await t.http.post(`/admin/accounts/${a.id}/emails`, { email: extra }, { token: writer });
      expect([added.status, added.body.emails]).toEqual([201, [{ email: a.email, primary: true }, { email: extra, primary: false }]]);
      const taken = await t.http.post(`/admin/accounts/${a.id}/emails`, { email: other.email }, { token: writer });
      expect([taken.status, taken.body.error_code]).toEqual([409, 'email_taken']);

      expect((await remove(`${a.id}/emails/${encodeURIComponent(extra)}`)).status).toBe(204);
      const again = await remove(`${a.id}/emails/${encodeURIComponent(extra)}`);
      expect([again.status, again.body.error_code]).toEqual([404, 'email_not_found']);
      expect((await get(`/${a.id}`)).body.emails).toEqual([{ email: a.email, primary: true }]);

      // Unlinking the primary address makes the oldest remaining one primary.
      await t.http.post(`/admin/accounts/${a.id}/emails`, { email: extra }, { token: writer });
      expect((await remove(`${a.id}/emails/${encodeURIComponent(a.email.toUpperCase())}`)).status).toBe(204);
      expect((await get(`/${a.id}`)).body.emails).toEqual([{ email: extra, primary: true }]);
      expect((await eventsOf(t, a.id)).filter((e) => e.type === 'email.added').map((e) => e.data)).toEqual([
        { email: a.email, primary: true },
        { email: extra, primary: false },
        { email: extra, primary: false },
      ]);
    });

    it('sends a reset email through the core (202) and revokes every session (204, sessions.revoked)', async () => {
      const a = await createAccount(t);
      const reset = await t.http.post(`/admin/accounts/${a.id}/password-reset`, undefined, { token: writer });
      expect(reset.status).toBe(202);
      const [mail] = await smtp.waitFor(smtp.to(a.email));
      expect(mail.subject).toBe('Reset your password');
      expect(secretsFrom(mail).code).toMatch(/^\d{6}$/);

      const first = (await login(t, a.username, PASSWORD)).body.access_token as string;
      const second = (await login(t, a.username, PASSWORD)).body.access_token as string;
      expect((await t.http.post(`/admin/accounts/${a.id}/sessions/revoke`, undefined, { token: writer })).status).toBe(204);
      expect((await t.http.get('/auth/me', { token: first })).status).toBe(401);
      expect((await t.http.get('/auth/me', { token: second })).status).toBe(401);
      const revoked = (await eventsOf(t, a.id)).filter((e) => e.type === 'sessions.revoked');
      expect(revoked.map((e) => e.data)).toEqual([{ reason: 'admin', count: 2 }]);
    });
  });

  describe('DELETE /admin/accounts/{id}', () => {
    it('erases the account, its addresses, sessions, reset requests and queued mail (account.deleted)', async () => {
      const a = await createAccount(t);
      await login(t, a.username, PASSWORD);
      smtp.rejectWith = 451;
      try {
        expect((await t.http.post(`/admin/accounts/${a.id}/password-reset`, undefined, { token: writer })).status).toBe(202);
        expect(await countRows(`SELECT count(*) AS n FROM mail_outbox WHERE recipient = $1 AND status IN ('pending', 'sending')`, [a.email])).toBe(1);
        expect(await countRows('SELECT count(*) AS n FROM reset_requests WHERE user_id = $1', [a.id])).toBe(1);

        expect((await remove(a.id)).status).toBe(204);
      } finally {
        smtp.rejectWith = undefined;
      }
      expect(await countRows('SELECT count(*) AS n FROM users WHERE id = $1', [a.id])).toBe(0);
      expect(await countRows('SELECT count(*) AS n FROM user_emails WHERE user_id = $1 OR email = $2', [a.id, a.email])).toBe(0);
      expect(await countRows('SELECT count(*) AS n FROM sessions WHERE user_id = $1', [a.id])).toBe(0);
      expect(await countRows('SELECT count(*) AS n FROM reset_requests WHERE user_id = $1', [a.id])).toBe(0);
      expect(await countRows('SELECT count(*) AS n FROM mail_outbox WHERE recipient = $1', [a.email])).toBe(0);
      expect((await get(`/${a.id}`)).status).toBe(404);
      expect((await remove(a.id)).status).toBe(404);
      expect((await eventsOf(t, a.id)).map((e) => e.type)).toEqual(['account.created', 'email.added', 'account.deleted']);
    });
  });
});

describe('REGISTRATION_ENABLED=false', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ REGISTRATION_ENABLED: 'false' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('turns POST /auth/register off (403 registration_disabled); the admin API still creates accounts', async () => {
    const res = await t.http.post('/auth/register', { username: uniqueName(), password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403,
      error_code: 'registration_disabled',
      message: 'Registration is turned off; accounts are created by an administrator',
    });
    const writer = await serviceToken(t, ['accounts:write']);
    const username = uniqueName();
    expect((await t.http.post('/admin/accounts', { username, emails: [], password: PASSWORD }, { token: writer })).status).toBe(201);
    expect((await login(t, username, PASSWORD)).status).toBe(200);
  });
});
