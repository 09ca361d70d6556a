import { DataSource } from 'typeorm';
import { ResetSecrets } from '../src/reset/reset-secrets.js';
import { startTestApp, TestApp } from './support/app.js';
import { addEmail, createAccount, login, NEW_PASSWORD, TestAccount } from './support/accounts.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const BASE = '/api/auth/forgotPassword';

describe('username-code: /api/auth/forgotPassword (username + 6-digit code)', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100', RESET_SEND_LIMIT: '3' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  /** Requests a reset and returns the code and token read from the delivered email. */
  async function requestCode(account: TestAccount, query = '') {
    const before = smtp.messages.filter(smtp.to(account.email)).length;
    const res = await t.http.post(`${BASE}/sendEmail${query}`, { username: account.username });
    expect(res.status).toBe(200);
    const mails = await smtp.waitFor(smtp.to(account.email), before + 1);
    return { ...secretsFrom(mails[before]), mail: mails[before] };
  }

  const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  describe('sendEmail', () => {
    it('answers {"msg":"Sent"} and mails the code and the link to every address of the account', async () => {
      const a = await createAccount(t);
      const second = `second.${a.email}`;
      await addEmail(t, a.id, second);
      const res = await t.http.post(`${BASE}/sendEmail`, { username: a.username });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ msg: 'Sent' });
      const [first] = await smtp.waitFor(smtp.to(a.email));
      const [other] = await smtp.waitFor(smtp.to(second));
      const s1 = secretsFrom(first);
      expect(s1.code).toMatch(/^\d{6}$/);
      expect(s1.link).toMatch(/^http:\/\/localhost:3000\/reset-password\?token=[A-Za-z0-9_-]{64}$/);
      expect(secretsFrom(other)).toEqual(s1);
      expect(first.subject).toBe('Reset your password');
      expect(first.html).toContain(s1.code);
      expect(first.text).toMatch(/valid for 15 minutes/);
    });

    it('matches the username case-insensitively', async () => {
      const a = await createAccount(t);
      const res = await t.http.post(`${BASE}/sendEmail`, { username: a.username.toUpperCase() });
      expect(res.status).toBe(200);
    });

    it('answers 404 unknown_username for an unknown username', async () => {
      const res = await t.http.post(`${BASE}/sendEmail`, { username: 'nobody.at.all' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ msg: 'Unknown username', error_code: 'unknown_username' });
    });

    it('answers 400 no_email_addresses for an account without email', async () => {
      const a = await createAccount(t, { withEmail: false });
      const res = await t.http.post(`${BASE}/sendEmail`, { username: a.username });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ msg: 'There are no email addresses for this account', error_code: 'no_email_addresses' });
    });

    it('throttles sending per account (RESET_SEND_LIMIT) with 429 too_many_requests and Retry-After', async () => {
      const a = await createAccount(t);
      for (let i = 0; i < 3; i++) expect((await t.http.post(`${BASE}/sendEmail`, { username: a.username })).status).toBe(200);
      const res = await t.http.post(`${BASE}/sendEmail`, { username: a.username });
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ msg: expect.any(String), error_code: 'too_many_requests' });
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(3500);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      // Another account is not affected.
      const b = await createAccount(t);
      expect((await t.http.post(`${BASE}/sendEmail`, { username: b.username })).status).toBe(200);
    });

    it.each([
      ['?locale=de', {}],
      ['', { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' }],
    ])('sends the German email for %s %j', async (query, headers) => {
      const a = await createAccount(t);
      const before = smtp.messages.filter(smtp.to(a.email)).length;
      await t.http.post(`${BASE}/sendEmail${query}`, { username: a.username }, { headers });
      const mail = (await smtp.waitFor(smtp.to(a.email), before + 1))[before];
      expect(mail.subject).toBe('Passwort zurücksetzen');
      expect(mail.text).toContain('Oder geben Sie diesen Code auf der Seite zum Zurücksetzen ein:');
      expect(secretsFrom(mail).code).toMatch(/^\d{6}$/);
    });

    it('takes a locale in the body too, and falls back to English for an unsupported one', async () => {
      const a = await createAccount(t);
      await t.http.post(`${BASE}/sendEmail`, { username: a.username, locale: 'de' });
      const [de] = await smtp.waitFor(smtp.to(a.email));
      expect(de.subject).toBe('Passwort zurücksetzen');
      const b = await createAccount(t);
      // An unsupported locale is not refused; it falls back (Accept-Language, then DEFAULT_LOCALE), as on every contract.
      const sent = await t.http.post(`${BASE}/sendEmail?locale=xx`, { username: b.username, locale: 'zz' }, { headers: { 'accept-language': 'ja' } });
      expect(sent.status).toBe(200);
      const [en] = await smtp.waitFor(smtp.to(b.email));
      expect(en.subject).toBe('Reset your password');
    });
  });

  describe('checkCode', () => {
    it('answers code_correct without using the code or counting a try', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      for (let i = 0; i < 3; i++) {
        const res = await t.http.post(`${BASE}/checkCode`, { username: a.username, code });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ msg: 'Code correct', success_code: 'code_correct' });
      }
      const reset = await t.http.post(`${BASE}/resetPassword`, { username: a.username, code, new_password: NEW_PASSWORD });
      expect(reset.status).toBe(200);
    });

    it('answers code_incorrect for a wrong code', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      const res = await t.http.post(`${BASE}/checkCode`, { username: a.username, code: wrongCode(code) });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ msg: 'The code is incorrect', error_code: 'code_incorrect' });
    });

    it('answers unknown_username and no_reset_requested', async () => {
      const unknown = await t.http.post(`${BASE}/checkCode`, { username: 'nobody.at.all', code: '123456' });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ msg: 'Unknown username', error_code: 'unknown_username' });
      const a = await createAccount(t);
      const none = await t.http.post(`${BASE}/checkCode`, { username: a.username, code: '123456' });
      expect(none.status).toBe(400);
      expect(none.body).toEqual({ msg: 'There was no code for a password reset requested', error_code: 'no_reset_requested' });
    });

    it('caps wrong tries at exactly 12 across checkCode and resetPassword, then refuses even the right code', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      const bad = wrongCode(code);
      for (let i = 1; i <= 12; i++) {
        const res =
          i % 2
            ? await t.http.post(`${BASE}/checkCode`, { username: a.username, code: bad })
            : await t.http.post(`${BASE}/resetPassword`, { username: a.username, code: bad, new_password: NEW_PASSWORD });
        expect([i, res.status, res.body.error_code]).toEqual([i, 400, 'code_incorrect']);
      }
      const thirteenth = await t.http.post(`${BASE}/checkCode`, { username: a.username, code: bad });
      expect(thirteenth.status).toBe(400);
      expect(thirteenth.body).toEqual({ msg: 'Rate limit exceeded', error_code: 'rate_limit_exceeded' });
      const right = await t.http.post(`${BASE}/resetPassword`, { username: a.username, code, new_password: NEW_PASSWORD });
      expect(right.body.error_code).toBe('rate_limit_exceeded');
      expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(401);
      // A new request starts a fresh budget.
      const fresh = await requestCode(a);
      expect((await t.http.post(`${BASE}/checkCode`, { username: a.username, code: fresh.code })).status).toBe(200);
    });

    it('counts every try, right ones too: the 12th is evaluated, the 13th is not (boundary)', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      for (let i = 0; i < 10; i++) await t.http.post(`${BASE}/checkCode`, { username: a.username, code: wrongCode(code) });
      expect((await t.http.post(`${BASE}/checkCode`, { username: a.username, code })).status).toBe(200);
      expect((await t.http.post(`${BASE}/checkCode`, { username: a.username, code: wrongCode(code) })).body.error_code).toBe('code_incorrect');
      expect((await t.http.post(`${BASE}/checkCode`, { username: a.username, code })).body.error_code).toBe('rate_limit_exceeded');
    });
  });

  describe('a code sent as a JSON number', () => {
    /**
     * Requests a reset and makes its code one that begins with 0 (as one in ten issued codes
     * does): the request's code is re-issued by the service's own ResetSecrets until it does.
     */
    async function leadingZeroCode(a: TestAccount): Promise<string> {
      await requestCode(a);
      const db = t.app.get(DataSource);
      const [{ id }] = await db.query(`SELECT id FROM reset_requests WHERE user_id = $1 AND used_at IS NULL AND superseded_at IS NULL`, [a.id]);
      const secrets = t.app.get(ResetSecrets);
      let issued = secrets.issue(id);
      while (!issued.code.startsWith('0')) issued = secrets.issue(id);
      await db.query(`UPDATE reset_requests SET code_hash = $1 WHERE id = $2`, [issued.codeHash, id]);
      return issued.code;
    }

    it('is the code with its leading zeros on checkCode and resetPassword (029925 sent as 29925 is accepted)', async () => {
      const a = await createAccount(t);
      const code = await leadingZeroCode(a);
      const asNumber = Number(code);
      expect(String(asNumber).length).toBeLessThan(6);
      const check = await t.http.post(`${BASE}/checkCode`, { username: a.username, code: asNumber });
      expect(check.status).toBe(200);
      expect(check.body).toEqual({ msg: 'Code correct', success_code: 'code_correct' });
      const reset = await t.http.post(`${BASE}/resetPassword`, { username: a.username, code: asNumber, new_password: NEW_PASSWORD });
      expect(reset.status).toBe(200);
      expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(200);
    });

    it.each([1_000_000, -1, 12.5])('refuses %p, which is no 6-digit code', async (code) => {
      const res = await t.http.post(`${BASE}/checkCode`, { username: 'a', code });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'validation_failed', errors: [{ field: 'code', msg: 'code must be 6 digits' }] });
    });
  });

  describe('resetPassword', () => {
    it('sets the new password, kills old tokens, does not log in, and mails a notice without secrets', async () => {
      const a = await createAccount(t);
      const oldToken = (await login(t, a.username, a.password)).body.access_token;
      expect((await t.http.get('/auth/me', { token: oldToken })).status).toBe(200);
      const { code, token } = await requestCode(a);
      const res = await t.http.post(`${BASE}/resetPassword`, { username: a.username, code, new_password: NEW_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ msg: 'Changed password successful' });
      expect((await t.http.get('/auth/me', { token: oldToken })).status).toBe(401);
      expect((await login(t, a.username, a.password)).status).toBe(401);
      expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(200);
      const [notice] = await smtp.waitFor((m) => smtp.to(a.email)(m) && m.subject === 'Your password was changed');
      expect(notice.text).not.toContain(code);
      expect(notice.text + notice.html).not.toContain(token);
    });

    it('answers no_reset_requested for a code that was already used', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      expect((await t.http.post(`${BASE}/resetPassword`, { username: a.username, code, new_password: NEW_PASSWORD })).status).toBe(200);
      const again = await t.http.post(`${BASE}/resetPassword`, { username: a.username, code, new_password: 'Another-Pass-42!' });
      expect(again.status).toBe(400);
      expect(again.body.error_code).toBe('no_reset_requested');
    });

    it('supersedes the earlier code when a new one is requested', async () => {
      const a = await createAccount(t);
      const first = await requestCode(a);
      const second = await requestCode(a);
      expect(second.code === first.code && second.token === first.token).toBe(false);
      if (first.code !== second.code) {
        const old = await t.http.post(`${BASE}/checkCode`, { username: a.username, code: first.code });
        expect(old.body.error_code).toBe('code_incorrect');
      }
      expect((await t.http.post(`${BASE}/resetPassword`, { username: a.username, code: second.code, new_password: NEW_PASSWORD })).status).toBe(200);
    });

    it('lists the failed password rules and keeps the code usable', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      const weak = await t.http.post(`${BASE}/resetPassword`, { username: a.username, code, new_password: 'short' });
      expect(weak.status).toBe(400);
      expect(weak.body).toEqual({ msg: expect.any(String), error_code: 'password_policy', violations: expect.arrayContaining(['min_length', 'uppercase', 'digit', 'special']) });
      expect((await t.http.post(`${BASE}/resetPassword`, { username: a.username, code, new_password: NEW_PASSWORD })).status).toBe(200);
    });

    it('lets exactly one of 50 parallel resets with the right code succeed', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          t.http.post(`${BASE}/resetPassword`, { username: a.username, code, new_password: `Parallel-Pass-${i}!` }),
        ),
      );
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => r.status === 400 && r.body.error_code === 'no_reset_requested')).toHaveLength(49);
      const winner = results.indexOf(ok[0]);
      expect((await login(t, a.username, `Parallel-Pass-${winner}!`)).status).toBe(200);
    });
  });

  describe('validation', () => {
    it.each([
      ['sendEmail', {}],
      ['sendEmail', { username: '' }],
      ['sendEmail', { username: 'x'.repeat(191) }],
      ['sendEmail', { username: 'a', extra: 1 }],
      ['checkCode', { username: 'a', code: 'abc123' }],
      ['checkCode', { username: 'a', code: '1234567' }],
      ['checkCode', { username: 'a' }],
      ['resetPassword', { username: 'a', code: '123456' }],
      ['resetPassword', { username: ['a'], code: '123456', new_password: 'x' }],
    ])('%s %j → 400 validation_failed', async (route, body) => {
      const res = await t.http.post(`${BASE}/${route}`, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ msg: expect.any(String), error_code: 'validation_failed' });
    });

    it('answers malformed JSON in the contract shape', async () => {
      const res = await t.http.post(`${BASE}/checkCode`, undefined, { raw: '{"username":', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ msg: expect.any(String), error_code: 'invalid_json' });
    });
  });
});
