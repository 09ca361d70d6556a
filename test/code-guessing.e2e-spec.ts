/**
 * The 6-digit code cannot be guessed forever: tries are counted before the comparison (at most
 * RESET_MAX_ATTEMPTS of any number of concurrent tries are evaluated), and wrong codes across
 * all of an account's requests stop at a ceiling (RESET_MAX_CODE_FAILURES) that a fresh request
 * does not lift, with one alert email; the link token keeps working and lifts it.
 */
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD, TestAccount } from './support/accounts.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const BASE = '/api/auth/forgotPassword';
const ALERT = 'Someone is trying to reset your password';
const wrongCode = (code: string, i = 1) => String((Number(code) + i) % 1_000_000).padStart(6, '0');

describe('guessing the 6-digit code', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '50', RESET_SEND_LIMIT: '20', RESET_MAX_CODE_FAILURES: '20' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  async function requestCode(a: TestAccount) {
    const before = smtp.messages.filter((m) => smtp.to(a.email)(m) && m.subject === 'Reset your password').length;
    expect((await t.http.post(`${BASE}/sendEmail`, { username: a.username })).status).toBe(200);
    const mails = await smtp.waitFor((m) => smtp.to(a.email)(m) && m.subject === 'Reset your password', before + 1);
    return secretsFrom(mails[mails.length - 1]);
  }
  const check = (a: TestAccount, code: string) => t.http.post(`${BASE}/checkCode`, { username: a.username, code });

  it('of 100 concurrent tries on one request at most 12 are evaluated, right codes among them', async () => {
    const a = await createAccount(t);
    const { code } = await requestCode(a);
    // Every fifth try has the right code: without counting before comparing, right codes were
    // evaluated (and answered code_correct) past the cap.
    const tries = Array.from({ length: 100 }, (_, i) => (i % 5 === 0 ? code : wrongCode(code, i)));
    const answers = await Promise.all(tries.map((c) => check(a, c)));
    const outcome = (r: { status: number; body: { error_code?: string; success_code?: string } }) => r.body.error_code ?? r.body.success_code;
    const evaluated = answers.filter((r) => outcome(r) !== 'rate_limit_exceeded');
    expect(evaluated.length).toBeLessThanOrEqual(12);
    expect(evaluated.length).toBeGreaterThan(0);
    expect(evaluated.every((r) => ['code_incorrect', 'code_correct'].includes(outcome(r)!))).toBe(true);
    expect(answers.filter((r) => outcome(r) === 'rate_limit_exceeded')).toHaveLength(100 - evaluated.length);
    // The request's tries are spent: the right code is refused now.
    expect((await check(a, code)).body.error_code).toBe('rate_limit_exceeded');
  });

  it('stops wrong codes across requests at the ceiling, alerts once, and lets the link token through', async () => {
    const a = await createAccount(t);
    let secrets = await requestCode(a);
    for (let i = 0; i < 12; i++) expect((await check(a, wrongCode(secrets.code))).body.error_code).toBe('code_incorrect');
    secrets = await requestCode(a);
    for (let i = 0; i < 8; i++) expect((await check(a, wrongCode(secrets.code))).body.error_code).toBe('code_incorrect');
    // 20 wrong codes: the ceiling. A fresh request brings fresh tries, but no code is evaluated.
    const [alert] = await smtp.waitFor((m) => smtp.to(a.email)(m) && m.subject === ALERT);
    expect(alert.text).toContain(`Hello ${a.username},`);
    secrets = await requestCode(a);
    expect((await check(a, secrets.code)).body).toEqual({ msg: 'Rate limit exceeded', error_code: 'rate_limit_exceeded' });
    const reset = await t.http.post(`${BASE}/resetPassword`, { username: a.username, code: secrets.code, new_password: NEW_PASSWORD });
    expect(reset.body.error_code).toBe('rate_limit_exceeded');
    const patch = await t.http.patch(`/auth/resetpassword?code=${secrets.code}`, { email: a.email, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    expect(patch.body.error_code).toBe('rate_limit_exceeded');
    expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(401);
    // One alert, however many tries the ceiling refuses.
    expect(smtp.messages.filter((m) => smtp.to(a.email)(m) && m.subject === ALERT)).toHaveLength(1);

    // The 256-bit link token still works, and lifts the ceiling.
    expect((await t.http.post(`/api/auth/password/reset?token=${secrets.token}`, { password: NEW_PASSWORD })).status).toBe(200);
    expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(200);
    secrets = await requestCode(a);
    expect((await check(a, secrets.code)).status).toBe(200);
  });
});

describe('guessing codes with RESET_HIDE_UNKNOWN_ACCOUNTS=true', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '50', RESET_HIDE_UNKNOWN_ACCOUNTS: 'true',
      RESET_SEND_LIMIT: '20', RESET_MAX_ATTEMPTS: '4', RESET_MAX_CODE_FAILURES: '6',
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('holds a name without an account to the same ceiling, without any mail', async () => {
    const known = await createAccount(t);
    const sequence = async (username: string) => {
      const out: string[] = [];
      const round = async (n: number) => {
        for (let i = 0; i < n; i++) out.push((await t.http.post(`${BASE}/checkCode`, { username, code: '000000' })).body.error_code);
      };
      for (let r = 0; r < 3; r++) {
        expect((await t.http.post(`${BASE}/sendEmail`, { username })).status).toBe(200);
        await round(5);
      }
      return out;
    };
    const expected = await sequence(known.username);
    // 4 tries and the cap, 2 more tries and the ceiling (6), then nothing is evaluated.
    expect(expected).toEqual([
      ...Array(4).fill('code_incorrect'), 'rate_limit_exceeded',
      ...Array(2).fill('code_incorrect'), ...Array(3).fill('rate_limit_exceeded'),
      ...Array(5).fill('rate_limit_exceeded'),
    ]);
    expect(await sequence('guessed.ghost')).toEqual(expected);
    await smtp.waitFor((m) => smtp.to(known.email)(m) && m.subject === ALERT);
    expect(smtp.messages.filter((m) => m.to.includes('guessed.ghost'))).toEqual([]);
  });

  it('counts the ceiling per name, so spending it under the username says nothing about the address', async () => {
    const a = await createAccount(t);
    const ghost = { username: 'ceiling.ghost', email: 'ceiling.ghost@example.com' };
    const spend = async (username: string) => {
      for (const n of [4, 2]) {
        expect((await t.http.post(`${BASE}/sendEmail`, { username })).status).toBe(200);
        for (let i = 0; i < n; i++) expect((await t.http.post(`${BASE}/checkCode`, { username, code: '000000' })).body.error_code).toBe('code_incorrect');
      }
      expect((await t.http.post(`${BASE}/sendEmail`, { username })).status).toBe(200);
      expect((await t.http.post(`${BASE}/checkCode`, { username, code: '000000' })).body.error_code).toBe('rate_limit_exceeded');
    };
    const byAddress = async (email: string) => {
      expect((await t.http.post('/forgot-password/code', { email })).status).toBe(200);
      const res = await t.http.patch('/auth/resetpassword?code=000000', { email, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
      return [res.status, res.body];
    };
    await spend(a.username);
    await spend(ghost.username);
    const known = await byAddress(a.email);
    expect(known).toEqual(await byAddress(ghost.email));
    expect((known[1] as { error_code: string }).error_code).toBe('code_incorrect');
    // The owner was told once, and the address's own code still works.
    await smtp.waitFor((m) => smtp.to(a.email)(m) && m.subject === ALERT);
    const mails = await smtp.waitFor((m) => smtp.to(a.email)(m) && m.subject === 'Reset your password', 4);
    const { code } = secretsFrom(mails[3]);
    const res = await t.http.patch(`/auth/resetpassword?code=${code}`, { email: a.email, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(smtp.messages.filter((m) => smtp.to(a.email)(m) && m.subject === ALERT)).toHaveLength(1);
  });
});
