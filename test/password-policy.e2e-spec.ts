import { startTestApp, TestApp } from './support/app.js';
import { createAccount, uniqueName } from './support/accounts.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

describe('password policy over HTTP', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.stop());

  const register = (t: TestApp, password: string) =>
    t.http.post('/auth/register', { username: uniqueName(), email: `${uniqueName()}@example.com`, password });

  async function resetLink(t: TestApp, password: string) {
    const a = await createAccount(t, { password });
    const before = smtp.messages.filter(smtp.to(a.email)).length;
    expect((await t.http.post('/forgot-password/code', { email: a.email })).status).toBe(200);
    const mails = await smtp.waitFor(smtp.to(a.email), before + 1);
    return secretsFrom(mails[before]).token;
  }

  describe('default (composition)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100' });
    });
    afterAll(() => t.close());

    it.each(['Correct-Horse-Battery-9', 'Zebra~Kettle~Violin~42', 'Purple Lantern Orbit 7', 'Back\\slash`Tick7'])(
      'accepts the passphrase %j, whose only special characters are outside the documented list',
      async (password) => {
        const res = await register(t, password);
        expect(res.status).toBe(201);
      },
    );

    it('still asks for every class, and says any non-letter, non-digit counts', async () => {
      const res = await register(t, 'correct horse battery staple');
      expect(res.status).toBe(400);
      expect(res.body.violations).toEqual(['uppercase', 'digit']);

      const token = await resetLink(t, 'Correct-Horse-Battery-9');
      const weak = await t.http.post('/forgot-password/confirm', { code: token, new_password: 'QuiltHarbor', confirm_password: 'QuiltHarbor' });
      expect(weak.status).toBe(400);
      expect(weak.body).toEqual({
        detail: 'Password does not meet the requirements: a number, a special character (any character that is not a letter or a digit, such as !@#$%^&*-~ or a space)',
      });
    });
  });

  describe('PASSWORD_POLICY=length', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ PASSWORD_POLICY: 'length', SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100' });
    });
    afterAll(() => t.close());

    it('accepts 15 characters without composition rules', async () => {
      expect((await register(t, 'correct horse battery staple')).status).toBe(201);
      expect((await register(t, 'quiltharborlamp')).status).toBe(201);
    });

    it('refuses a shorter password however composed, and common ones', async () => {
      const short = await register(t, 'Quilt7Harbor!');
      expect(short.status).toBe(400);
      expect(short.body).toMatchObject({ error_code: 'password_policy', violations: ['min_length'] });
      const common = await register(t, '1qaz2wsx3edc4rfv');
      expect(common.body).toMatchObject({ error_code: 'password_policy', violations: ['common'] });
    });

    it('names the 15 characters in the forgot-password contract\'s detail', async () => {
      const token = await resetLink(t, 'correct horse battery staple');
      const res = await t.http.post('/forgot-password/confirm', { code: token, new_password: 'Quilt7Harbor!', confirm_password: 'Quilt7Harbor!' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: 'Password does not meet the requirements: at least 15 characters' });
      const ok = await t.http.post('/forgot-password/confirm', { code: token, new_password: 'a long quiet harbor lamp', confirm_password: 'a long quiet harbor lamp' });
      expect(ok.status).toBe(200);
    });
  });
});
