import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD, PASSWORD, TestAccount } from './support/accounts.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const INVALID_FLOW = {
  statusCode: 400,
  error_code: 'invalid_flow',
  message: 'Provide either the code query parameter (forgot password) or current_password (change password), not both',
};
const UNAUTHORIZED = { statusCode: 401, error_code: 'unauthorized', message: 'A valid Bearer access token is required' };

describe('auth-resetpassword: POST /auth/forgotpassword and PATCH /auth/resetpassword', () => {
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

  async function requestCode(account: TestAccount, body: Record<string, unknown> = {}) {
    const before = smtp.messages.filter(smtp.to(account.email)).length;
    const res = await t.http.post('/auth/forgotpassword', { email: account.email, ...body });
    expect(res.status).toBe(200);
    const mails = await smtp.waitFor(smtp.to(account.email), before + 1);
    return { ...secretsFrom(mails[before]), mail: mails[before] };
  }

  const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const resetWithCode = (code: string, body: Record<string, unknown>, options = {}) =>
    t.http.patch(`/auth/resetpassword?code=${encodeURIComponent(code)}`, body, options);
  const change = (token: string | undefined, body: Record<string, unknown>) =>
    t.http.patch('/auth/resetpassword', body, token ? { token } : {});
  const tokenOf = async (a: TestAccount, password = a.password) => (await login(t, a.username, password)).body.access_token as string;

  describe('POST /auth/forgotpassword', () => {
    it('answers {"message":"Verification code sent"} and mails a 6-digit code, in the requested locale', async () => {
      const a = await createAccount(t);
      const res = await t.http.post('/auth/forgotpassword', { email: a.email });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Verification code sent' });
      const [mail] = await smtp.waitFor(smtp.to(a.email));
      expect(secretsFrom(mail).code).toMatch(/^\d{6}$/);
      expect(mail.subject).toBe('Reset your password');
      const de = await requestCode(a, { locale: 'de' });
      expect(de.mail.subject).toBe('Passwort zurücksetzen');
    });

    it('answers 404 for an unknown email and 400 validation_failed for a bad one', async () => {
      const res = await t.http.post('/auth/forgotpassword', { email: 'nobody@example.com' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error_code: 'unknown_account', message: 'No account with this email address' });
      const bad = await t.http.post('/auth/forgotpassword', { email: 'nope' });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({
        statusCode: 400,
        error_code: 'validation_failed',
        message: 'email must be an email',
        errors: [{ loc: ['body', 'email'], msg: 'email must be an email', type: 'isEmail' }],
      });
    });
  });

  describe('flow 1: ?code= (no authentication)', () => {
    it('sets the new password with the code; answers {"message":"Password reset successful"}', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      const res = await resetWithCode(code, { email: a.email, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Password reset successful' });
      expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(200);
      expect((await login(t, a.username, PASSWORD)).status).toBe(401);
    });

    it('needs no token: a bad Authorization header is ignored', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      const res = await resetWithCode(code, { email: a.email, new_password: NEW_PASSWORD }, { token: 'not-a-jwt' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Password reset successful' });
    });

    it('answers code_incorrect, then rate_limit_exceeded after 12 wrong tries (even for the right code)', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      const body = { email: a.email, new_password: NEW_PASSWORD };
      const first = await resetWithCode(wrongCode(code), body);
      expect(first.status).toBe(400);
      expect(first.body).toEqual({ statusCode: 400, error_code: 'code_incorrect', message: 'The code is incorrect' });
      for (let i = 2; i <= 12; i++) expect((await resetWithCode(wrongCode(code), body)).body.error_code).toBe('code_incorrect');
      const capped = await resetWithCode(code, body);
      expect(capped.status).toBe(400);
      expect(capped.body).toEqual({ statusCode: 400, error_code: 'rate_limit_exceeded', message: 'Rate limit exceeded; request a new code' });
      expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(401);
    });

    it('answers code_expired for an expired code', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      await t.app.get(DataSource).query(`UPDATE reset_requests SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [a.id]);
      const res = await resetWithCode(code, { email: a.email, new_password: NEW_PASSWORD });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, error_code: 'code_expired', message: 'The code has expired; request a new one' });
    });

    it('answers 404 for an unknown email', async () => {
      const res = await resetWithCode('123456', { email: 'nobody@example.com', new_password: NEW_PASSWORD });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error_code: 'unknown_account', message: 'No account with this email address' });
    });

    it('answers password_mismatch and password_policy, and keeps the code usable', async () => {
      const a = await createAccount(t);
      const { code } = await requestCode(a);
      const mismatch = await resetWithCode(code, { email: a.email, new_password: NEW_PASSWORD, confirm_password: 'Other-Pass-99!' });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body).toEqual({ statusCode: 400, error_code: 'password_mismatch', message: 'confirm_password does not match new_password' });
      const weak = await resetWithCode(code, { email: a.email, new_password: 'weakpass' });
      expect(weak.status).toBe(400);
      expect(weak.body).toEqual({
        statusCode: 400,
        error_code: 'password_policy',
        message: 'The password does not meet the requirements',
        violations: ['uppercase', 'digit', 'special'],
      });
      expect((await resetWithCode(code, { email: a.email, new_password: NEW_PASSWORD })).status).toBe(200);
    });
  });

  describe('choosing the flow', () => {
    it('answers 400 invalid_flow for both code and current_password, or neither', async () => {
      const a = await createAccount(t);
      const token = await tokenOf(a);
      const both = await t.http.patch('/auth/resetpassword?code=123456', { email: a.email, new_password: NEW_PASSWORD, current_password: PASSWORD }, { token });
      expect(both.status).toBe(400);
      expect(both.body).toEqual(INVALID_FLOW);
      const neither = await change(token, { email: a.email, new_password: NEW_PASSWORD });
      expect(neither.status).toBe(400);
      expect(neither.body).toEqual(INVALID_FLOW);
    });
  });

  describe('flow 2: Bearer + current_password', () => {
    it('changes the password, kills the old token and returns a fresh one that works', async () => {
      const a = await createAccount(t);
      const oldToken = await tokenOf(a);
      const pending = await requestCode(a);
      const res = await change(oldToken, { email: a.email, current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        message: 'Password reset successful',
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 900,
        refresh_token: expect.any(String),
        refresh_expires_in: expect.any(Number),
      });
      expect((await t.http.get('/auth/me', { token: oldToken })).status).toBe(401);
      const me = await t.http.get('/auth/me', { token: res.body.access_token });
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(a.id);
      expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(200);
      // The outstanding reset code was retired with the change, and the owner got a notice.
      const stale = await resetWithCode(pending.code, { email: a.email, new_password: 'Third-Pass-77!' });
      expect(stale.body.error_code).toBe('no_reset_requested');
      await smtp.waitFor((m) => smtp.to(a.email)(m) && m.subject === 'Your password was changed');
      // The old token cannot be used for another change.
      const again = await change(oldToken, { email: a.email, current_password: NEW_PASSWORD, new_password: 'Third-Pass-77!' });
      expect(again.status).toBe(401);
      expect(again.body).toEqual(UNAUTHORIZED);
    });

    it('answers 401 without a valid token', async () => {
      const a = await createAccount(t);
      for (const token of [undefined, 'not-a-jwt']) {
        const res = await change(token, { email: a.email, current_password: PASSWORD, new_password: NEW_PASSWORD });
        expect(res.status).toBe(401);
        expect(res.body).toEqual(UNAUTHORIZED);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect((await login(t, a.username, PASSWORD)).status).toBe(200);
    });

    it('answers 403 when the email is not the token\'s account', async () => {
      const a = await createAccount(t);
      const b = await createAccount(t);
      const res = await change(await tokenOf(a), { email: b.email, current_password: PASSWORD, new_password: NEW_PASSWORD });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        statusCode: 403,
        error_code: 'email_mismatch',
        message: 'The email address does not belong to the authenticated account',
      });
      expect((await login(t, b.username, PASSWORD)).status).toBe(200);
      expect((await login(t, a.username, PASSWORD)).status).toBe(200);
    });

    it('answers current_password_incorrect, counting toward the login throttle', async () => {
      const a = await createAccount(t);
      const token = await tokenOf(a);
      for (let i = 0; i < 3; i++) {
        const res = await change(token, { email: a.email, current_password: `Wrong-${i}-Pass!`, new_password: NEW_PASSWORD });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ statusCode: 400, error_code: 'current_password_incorrect', message: 'The current password is incorrect' });
      }
      const blockedLogin = await login(t, a.username, PASSWORD);
      expect(blockedLogin.status).toBe(429);
      const blockedChange = await change(token, { email: a.email, current_password: PASSWORD, new_password: NEW_PASSWORD });
      expect(blockedChange.status).toBe(429);
      expect(blockedChange.body).toEqual({ statusCode: 429, error_code: 'too_many_attempts', message: 'Too many failed attempts, try again later' });
    });

    it('answers 400 when the new password equals the current one, and for mismatch and policy', async () => {
      const a = await createAccount(t);
      const token = await tokenOf(a);
      const same = await change(token, { email: a.email, current_password: PASSWORD, new_password: PASSWORD });
      expect(same.status).toBe(400);
      expect(same.body).toEqual({ statusCode: 400, error_code: 'same_password', message: 'The new password must differ from the current one' });
      const mismatch = await change(token, { email: a.email, current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: 'x' });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.error_code).toBe('password_mismatch');
      const weak = await change(token, { email: a.email, current_password: PASSWORD, new_password: 'short' });
      expect(weak.status).toBe(400);
      expect(weak.body).toMatchObject({ statusCode: 400, error_code: 'password_policy', violations: expect.arrayContaining(['min_length']) });
      // Nothing changed: the token still works.
      expect((await t.http.get('/auth/me', { token })).status).toBe(200);
    });
  });
});
