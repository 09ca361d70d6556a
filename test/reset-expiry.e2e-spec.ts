import { startTestApp, TestApp } from './support/app.js';
import { createAccount, NEW_PASSWORD } from './support/accounts.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const BASE = '/api/auth/forgotPassword';

describe('reset expiry (RESET_TTL_SECONDS=1)', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '50', RESET_TTL_SECONDS: '1' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('answers code_expired once the code is older than the TTL, and does not count the tries', async () => {
    const a = await createAccount(t);
    await t.http.post(`${BASE}/sendEmail`, { username: a.username });
    const [mail] = await smtp.waitFor(smtp.to(a.email));
    const { code } = secretsFrom(mail);
    expect(mail.text).toMatch(/valid for [01] minutes/);
    await new Promise((r) => setTimeout(r, 1300));
    for (let i = 0; i < 13; i++) {
      const res = await t.http.post(`${BASE}/checkCode`, { username: a.username, code: '000000' });
      expect(res.body).toEqual({ msg: 'The code has expired', error_code: 'code_expired' });
    }
    const reset = await t.http.post(`${BASE}/resetPassword`, { username: a.username, code, new_password: NEW_PASSWORD });
    expect(reset.status).toBe(400);
    expect(reset.body.error_code).toBe('code_expired');
    // A new request works again.
    await t.http.post(`${BASE}/sendEmail`, { username: a.username });
    const [, second] = await smtp.waitFor(smtp.to(a.email), 2);
    const fresh = secretsFrom(second);
    expect((await t.http.post(`${BASE}/resetPassword`, { username: a.username, code: fresh.code, new_password: NEW_PASSWORD })).status).toBe(200);
  });
});
