import { startTestApp, TestApp } from './support/app.js';
import { createAccount } from './support/accounts.js';
import { startSmtp, TestSmtpServer } from './support/smtp.js';

const BASE = '/api/auth/forgotPassword';

describe('RESET_HIDE_UNKNOWN_ACCOUNTS=true', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '50', RESET_HIDE_UNKNOWN_ACCOUNTS: 'true', RESET_SEND_LIMIT: '2' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('answers unknown accounts and accounts without email exactly like a known one, and sends nothing for them', async () => {
    const known = await createAccount(t);
    const noMail = await createAccount(t, { withEmail: false });
    const answers = [];
    for (const username of [known.username, 'nobody.at.all', noMail.username]) {
      const res = await t.http.post(`${BASE}/sendEmail`, { username });
      answers.push({ status: res.status, body: res.body });
    }
    expect(answers).toEqual(Array(3).fill({ status: 200, body: { msg: 'Sent' } }));
    await smtp.waitFor(smtp.to(known.email));
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(1);
  });

  it('throttles unknown identifiers like known accounts, so the 429 reveals nothing', async () => {
    const known = await createAccount(t);
    const statuses = async (username: string) => {
      const out = [];
      for (let i = 0; i < 3; i++) out.push((await t.http.post(`${BASE}/sendEmail`, { username })).status);
      return out;
    };
    expect(await statuses(known.username)).toEqual([200, 200, 429]);
    expect(await statuses('still.nobody')).toEqual([200, 200, 429]);
  });
});
