import { Metrics } from '../src/observability/metrics.js';
import { PageForms } from './support/page-form.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, NEW_PASSWORD, PASSWORD } from './support/accounts.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

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

  it('spends no per-account budget an observer could see through another name of the account', async () => {
    // Five requests by username spend that name's budget (and the account's); the account's
    // address is a name with its own budget, exactly like an address without an account.
    const known = await createAccount(t);
    const viaUsername = [];
    for (let i = 0; i < 3; i++) viaUsername.push((await t.http.post(`${BASE}/sendEmail`, { username: known.username })).status);
    expect(viaUsername).toEqual([200, 200, 429]);
    const byAddress = await t.http.post('/forgot-password/code', { email: known.email });
    const unknown = await t.http.post('/forgot-password/code', { email: 'unknown.address@example.com' });
    expect({ status: byAddress.status, body: byAddress.body }).toEqual({ status: unknown.status, body: unknown.body });
    expect(byAddress.status).toBe(200);
    // The account's budget (2) was spent: that request was answered, but sent nothing.
    await smtp.waitFor(smtp.to(known.email), 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.filter(smtp.to(known.email))).toHaveLength(2);
  });

  it('keeps one outcome label for known and unknown accounts in the request counter', async () => {
    const known = await createAccount(t);
    await t.http.post(`${BASE}/sendEmail`, { username: known.username });
    await t.http.post(`${BASE}/sendEmail`, { username: 'counted.nobody' });
    const text = await t.app.get(Metrics).registry.metrics();
    const outcomes = [...text.matchAll(/^reset_requests_total\{outcome="([^"]+)"\}/gm)].map((m) => m[1]);
    expect(outcomes).toEqual(['accepted']);
  });
});

describe('RESET_HIDE_UNKNOWN_ACCOUNTS=true on the code routes', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '50', RESET_HIDE_UNKNOWN_ACCOUNTS: 'true', RESET_MAX_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  type Group = 'username' | 'email';

  /** Each code route of a group once, with a wrong code: status and body (pages: the page with the name taken out). */
  async function round(group: Group, name: string) {
    const code = '000000';
    if (group === 'username') {
      const check = await t.http.post(`${BASE}/checkCode`, { username: name, code });
      const reset = await t.http.post(`${BASE}/resetPassword`, { username: name, code, new_password: NEW_PASSWORD });
      return [[check.status, check.body], [reset.status, reset.body]];
    }
    const patch = await t.http.patch(`/auth/resetpassword?code=${code}`, { email: name, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    const page = await t.http.post('/reset-password/code', undefined, {
      form: { identifier: name, code, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD },
      headers: { accept: 'text/html' },
    });
    const pageText = page.text.split(name).join('NAME').replace(/<input type="hidden"[^>]*>/g, '');
    return [[patch.status, patch.body], [page.status, pageText]];
  }

  async function request(group: Group, name: string) {
    const res = group === 'username'
      ? await t.http.post(`${BASE}/sendEmail`, { username: name })
      : await t.http.post('/forgot-password/code', { email: name });
    expect(res.status).toBe(200);
  }

  /** Before any request, tries up to the cap (3) and past it, then a fresh request. */
  async function sequence(group: Group, name: string) {
    const steps = [await round(group, name)];
    await request(group, name);
    steps.push(await round(group, name), await round(group, name));
    await request(group, name);
    steps.push(await round(group, name));
    return steps;
  }

  const codes = (steps: unknown[][][]) => steps.map((s) => s.map(([status, body]) => `${status} ${(body as { error_code?: string })?.error_code ?? ''}`));

  it('answers an unknown name like an account whose codes are always wrong, on every code route', async () => {
    const byUsername = await createAccount(t);
    const byEmail = await createAccount(t);
    const noMail = await createAccount(t, { withEmail: false });
    const known = await sequence('username', byUsername.username);
    expect(codes(known)).toEqual([
      ['400 no_reset_requested', '400 no_reset_requested'],
      ['400 code_incorrect', '400 code_incorrect'],
      ['400 code_incorrect', '400 rate_limit_exceeded'],
      ['400 code_incorrect', '400 code_incorrect'],
    ]);
    expect(await sequence('username', 'code.ghost')).toEqual(known);
    expect(await sequence('username', noMail.username)).toEqual(known);

    const knownByEmail = await sequence('email', byEmail.email);
    expect(codes(knownByEmail).map((step) => step[0])).toEqual(['400 no_reset_requested', '400 code_incorrect', '400 code_incorrect', '400 code_incorrect']);
    expect(await sequence('email', 'code.ghost@example.com')).toEqual(knownByEmail);

    // Nothing changed and nothing was sent for the names without an account.
    expect((await t.http.post('/auth/login', { username: byUsername.username, password: PASSWORD })).status).toBe(200);
    await smtp.waitFor(smtp.to(byEmail.email), 2);
    expect(smtp.messages.filter((m) => m.to.includes('code.ghost'))).toEqual([]);
  });

  it('binds a code to the name it was requested under, so a second name of the account answers like an unrelated name', async () => {
    const a = await createAccount(t);
    const ghost = { username: 'pair.ghost', email: 'pair.ghost@example.com' };
    const wrong = async (group: Group, name: string) => codes([await round(group, name)])[0];
    // Requested under the username, tried under the address: an unrelated address says the same.
    await request('username', a.username);
    await request('username', ghost.username);
    const byAddress = await round('email', a.email);
    expect(byAddress).toEqual(await round('email', ghost.email));
    expect(codes([byAddress])[0][0]).toBe('400 no_reset_requested');
    // One try (two routes) under each username; a request under the address, then the username's
    // tries go on where they were (its cap is 3), as for two unrelated names.
    expect(await wrong('username', a.username)).toEqual(['400 code_incorrect', '400 code_incorrect']);
    expect(await wrong('username', ghost.username)).toEqual(['400 code_incorrect', '400 code_incorrect']);
    await request('email', a.email);
    await request('email', ghost.email);
    expect(await wrong('username', a.username)).toEqual(['400 code_incorrect', '400 rate_limit_exceeded']);
    expect(await wrong('username', ghost.username)).toEqual(['400 code_incorrect', '400 rate_limit_exceeded']);

    // The owner finishes under the name the code was sent for.
    const mails = await smtp.waitFor(smtp.to(a.email), 2);
    const { code } = secretsFrom(mails[1]);
    const res = await t.http.patch(`/auth/resetpassword?code=${code}`, { email: a.email, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect((await t.http.post('/auth/login', { username: a.username, password: NEW_PASSWORD })).status).toBe(200);
  });
});

describe('the hosted "send me a new email" page, in the default mode', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ MAIL_POLL_INTERVAL_MS: '50', RESET_SEND_LIMIT: '3' });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Status, Retry-After presence and the page with the address taken out, for each of `count` requests. */
  async function answers(email: string, count: number) {
    const out = [];
    for (let i = 0; i < count; i++) {
      const res = await new PageForms(t.http).post('/reset-password/request', { identifier: email });
      out.push([res.status, res.headers.has('retry-after'), res.text.split(email).join('ADDRESS').replace(/<input type="hidden"[^>]*>/g, '')]);
    }
    return out;
  }

  it('keeps its promise of one answer for every address: no 429 an unknown address would not get', async () => {
    const known = await createAccount(t);
    // The account's budget is spent through the API first; the page must not show it.
    for (let i = 0; i < 3; i++) expect((await t.http.post(`${BASE}/sendEmail`, { username: known.username })).status).toBe(200);
    const expected = await answers('unknown.page.address@example.com', 5);
    expect(expected.map(([status]) => status)).toEqual([200, 200, 200, 429, 429]);
    expect(await answers(known.email, 5)).toEqual(expected);
  });
});
