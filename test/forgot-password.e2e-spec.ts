import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, NEW_PASSWORD, PASSWORD, TestAccount } from './support/accounts.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

describe('forgot-password: /forgot-password and /login (FastAPI-shaped)', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100', LOGIN_MAX_FAILURES: '3' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  /** Requests a reset through forgot-password and returns the secrets read from the delivered email. */
  async function requestLink(account: TestAccount) {
    const before = smtp.messages.filter(smtp.to(account.email)).length;
    const res = await t.http.post('/forgot-password/code', { email: account.email });
    expect(res.status).toBe(200);
    const mails = await smtp.waitFor(smtp.to(account.email), before + 1);
    return secretsFrom(mails[before]);
  }

  const confirm = (code: string, newPassword = NEW_PASSWORD, confirmPassword = newPassword) =>
    t.http.post('/forgot-password/confirm', { code, new_password: newPassword, confirm_password: confirmPassword });
  const login = (email: string, password: string) => t.http.post('/login', { email, password });

  describe('POST /forgot-password/code', () => {
    it('answers {"message":"Password reset code sent"} and mails a code and a reset link', async () => {
      const a = await createAccount(t);
      const res = await t.http.post('/forgot-password/code', { email: a.email.toUpperCase() });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Password reset code sent' });
      const [mail] = await smtp.waitFor(smtp.to(a.email));
      const { code, token } = secretsFrom(mail);
      expect(code).toMatch(/^\d{6}$/);
      expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    });

    it('answers 404 {"detail":"User not found"} for an unknown email', async () => {
      const res = await t.http.post('/forgot-password/code', { email: 'nobody@example.com' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'User not found' });
    });

    it('answers 422 with FastAPI validation details', async () => {
      const bad = await t.http.post('/forgot-password/code', { email: 'not-an-email' });
      expect(bad.status).toBe(422);
      expect(bad.body).toEqual({ detail: [{ loc: ['body', 'email'], msg: 'email must be an email', type: 'isEmail' }] });

      const missing = await t.http.post('/forgot-password/code', {});
      expect(missing.status).toBe(422);
      expect(missing.body.detail).toEqual(
        expect.arrayContaining([{ loc: ['body', 'email'], msg: 'email is required', type: 'isDefined' }]),
      );
      expect(Object.keys(missing.body)).toEqual(['detail']);

      const extra = await t.http.post('/forgot-password/code', { email: 'a@example.com', admin: true });
      expect(extra.status).toBe(422);
      expect(extra.body).toEqual({ detail: [{ loc: ['body', 'admin'], msg: 'property admin should not exist', type: 'whitelistValidation' }] });

      const json = await t.http.post('/forgot-password/code', undefined, { raw: '{"email":', headers: { 'content-type': 'application/json' } });
      expect(json.status).toBe(422);
      expect(json.body).toEqual({ detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });
    });
  });

  describe('POST /forgot-password/confirm (code = the link token)', () => {
    it('sets the new password with the link token; login works with it through POST /login', async () => {
      const a = await createAccount(t);
      const { token } = await requestLink(a);
      const res = await confirm(token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Password has been reset' });
      const ok = await login(a.email, NEW_PASSWORD);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 900,
        refresh_token: expect.any(String),
        refresh_expires_in: expect.any(Number),
      });
      const old = await login(a.email, PASSWORD);
      expect(old.status).toBe(401);
      expect(old.body).toEqual({ detail: 'Incorrect email or password' });
    });

    it('answers 404 {"detail":"Invalid or expired code"} for a used, unknown, superseded or 6-digit code', async () => {
      const a = await createAccount(t);
      const first = await requestLink(a);
      const second = await requestLink(a);
      const superseded = await confirm(first.token);
      expect(superseded.status).toBe(404);
      expect(superseded.body).toEqual({ detail: 'Invalid or expired code' });
      const sixDigits = await confirm(second.code);
      expect(sixDigits.status).toBe(404);
      expect(sixDigits.body).toEqual({ detail: 'Invalid or expired code' });
      for (const code of ['ABC123', '', 'x'.repeat(64)]) {
        const res = await confirm(code);
        expect([code, res.status, res.body]).toEqual([code, 404, { detail: 'Invalid or expired code' }]);
      }
      expect((await confirm(second.token)).status).toBe(200);
      const used = await confirm(second.token, 'Another-Pass-42!');
      expect(used.status).toBe(404);
      expect(used.body).toEqual({ detail: 'Invalid or expired code' });
    });

    it('answers 404 for an expired token and for a deleted account', async () => {
      const a = await createAccount(t);
      const { token } = await requestLink(a);
      const db = t.app.get(DataSource);
      await db.query(`UPDATE reset_requests SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [a.id]);
      const expired = await confirm(token);
      expect(expired.status).toBe(404);
      expect(expired.body).toEqual({ detail: 'Invalid or expired code' });

      const b = await createAccount(t);
      const link = await requestLink(b);
      await db.query(`DELETE FROM users WHERE id = $1`, [b.id]);
      const deleted = await confirm(link.token);
      expect(deleted.status).toBe(404);
      expect(deleted.body).toEqual({ detail: 'Invalid or expired code' });
    });

    it('answers 400 {"detail":"Passwords do not match"} and keeps the token usable', async () => {
      const a = await createAccount(t);
      const { token } = await requestLink(a);
      const res = await confirm(token, NEW_PASSWORD, 'Something-Else-9!');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: 'Passwords do not match' });
      expect((await confirm(token)).status).toBe(200);
    });

    it('answers 400 with the policy violations', async () => {
      const a = await createAccount(t);
      const { token } = await requestLink(a);
      const res = await confirm(token, 'password');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        detail: 'Password does not meet the requirements: an uppercase letter, a number, a special character (any character that is not a letter or a digit, such as !@#$%^&*-~ or a space), not a commonly used password',
      });
      expect((await login(a.email, 'password')).status).toBe(401);
    });

    it('answers 422 when a field is missing', async () => {
      const res = await t.http.post('/forgot-password/confirm', { code: 'x', new_password: NEW_PASSWORD });
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual(
        expect.arrayContaining([{ loc: ['body', 'confirm_password'], msg: 'confirm_password is required', type: 'isDefined' }]),
      );
      expect(res.body.detail.every((d: { loc: string[] }) => d.loc.join('.') === 'body.confirm_password')).toBe(true);
    });
  });

  describe('POST /login errors', () => {
    it('answers 401 {"detail":"Incorrect email or password"} for a wrong password and an unknown account alike', async () => {
      const a = await createAccount(t);
      const wrong = await login(a.email, 'Wrong-Password-1!');
      const unknown = await login('nobody@example.com', 'Wrong-Password-1!');
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ detail: 'Incorrect email or password' });
      }
      const form = await t.http.post('/login', undefined, { form: { grant_type: 'password', username: a.email, password: 'nope' } });
      expect(form.status).toBe(401);
      expect(form.body).toEqual({ detail: 'Incorrect email or password' });
    });

    it('answers 422 for an invalid body and 429 {"detail":...} when throttled', async () => {
      const invalid = await t.http.post('/login', { email: 'a@example.com' });
      expect(invalid.status).toBe(422);
      expect(invalid.body.detail).toEqual(
        expect.arrayContaining([{ loc: ['body', 'password'], msg: 'password is required', type: 'isDefined' }]),
      );
      const a = await createAccount(t);
      for (let i = 0; i < 3; i++) expect((await login(a.email, `Wrong-${i}-Pass!`)).status).toBe(401);
      const throttled = await login(a.email, a.password);
      expect(throttled.status).toBe(429);
      expect(throttled.body).toEqual({ detail: 'Too many failed attempts, try again later' });
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });
});
