import { PAGE_CSP } from '../src/pages/page-headers.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD, TestAccount } from './support/accounts.js';
import type { HttpResponse } from './support/http.js';

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

interface MailboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * The hosted pages over plain HTTP (the browser suite covers them in Chromium): headers, the
 * read-only GET, the forms' answers, locales, escaping, and the dev mailbox's two faces.
 */
describe('hosted pages over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ MAIL_POLL_INTERVAL_MS: '100', RESET_MAX_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function mailbox(): Promise<MailboxMessage[]> {
    return (await t.http.get('/dev/mailbox', { headers: { accept: 'application/json' } })).body;
  }

  async function requestReset(account: TestAccount) {
    const before = (await mailbox()).filter((m) => m.to === account.email).length;
    expect((await t.http.post('/api/auth/forgotPassword/sendEmail', { username: account.username })).status).toBe(200);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const mails = (await mailbox()).filter((m) => m.to === account.email);
      if (mails.length > before) {
        const text = mails[0].text;
        const link = /^(http\S+[?&]token=\S+)$/m.exec(text)![1];
        return { token: new URL(link).searchParams.get('token')!, code: /^(\d{6})$/m.exec(text)![1] };
      }
      if (Date.now() > deadline) throw new Error('no reset email');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    t.http.post(path, undefined, { form: fields, headers: { ...HTML, ...headers } });

  function expectPageHeaders(res: HttpResponse) {
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  }

  it('every page answers with no-store, no-referrer and the strict page CSP (no inline code, no framing)', async () => {
    const account = await createAccount(t);
    const { token } = await requestReset(account);
    const responses = [
      await t.http.get(`/reset-password?token=${token}`, { headers: HTML }),
      await t.http.get('/reset-password?token=not-a-token', { headers: HTML }),
      await t.http.get('/reset-password', { headers: HTML }),
      await t.http.get('/reset-password/code', { headers: HTML }),
      await t.http.get('/reset-password/request', { headers: HTML }),
      await form('/reset-password', { token: 'not-a-token', password: NEW_PASSWORD, password_confirm: NEW_PASSWORD }),
      await form('/reset-password/code', { identifier: 'x', code: '1', password: '', password_confirm: '' }),
      await form('/reset-password/request', { email: 'nobody@example.com' }),
    ];
    for (const res of responses) {
      expectPageHeaders(res);
      expect(res.text).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i);
    }
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
    expect(PAGE_CSP).not.toContain('unsafe-inline');
    expect(responses.map((r) => r.status)).toEqual([200, 410, 400, 200, 200, 410, 400, 200]);

    const css = await t.http.get('/assets/pages.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const js = await t.http.get('/assets/reset-password.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(responses[0].text).toContain('<script src="/assets/reset-password.js" defer></script>');
  });

  it('GET and HEAD of the link never use the token; the POST does, once', async () => {
    const account = await createAccount(t);
    const { token } = await requestReset(account);
    for (let i = 0; i < 3; i++) {
      expect((await t.http.get(`/reset-password?token=${token}`)).status).toBe(200);
      expect((await t.http.request('HEAD', `/reset-password?token=${token}`)).status).toBe(200);
    }
    const page = await t.http.get(`/reset-password?token=${token}`, { headers: HTML });
    expect(page.text).toContain(`name="token" value="${token}"`);
    expect(page.text).toContain('<form method="post" action="/reset-password"');

    const fields = { token, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD };
    const done = await form('/reset-password', fields);
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your password was changed');
    const again = await form('/reset-password', fields);
    expect(again.status).toBe(410);
    expect(again.text).toContain('data-reason="invalid"');
    expect(again.text).toContain('action="/reset-password/request"');
    expect((await t.http.get(`/reset-password?token=${token}`, { headers: HTML })).status).toBe(410);
    expect((await login(t, account.username, NEW_PASSWORD)).status).toBe(200);
  });

  it('a weak password re-shows the form with the failed rules marked and tied to the field; nothing is used', async () => {
    const account = await createAccount(t);
    const { token } = await requestReset(account);
    const res = await form('/reset-password', { token, password: 'password1', password_confirm: 'password1' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/<li class="rule unmet" data-rule="common"/);
    expect(res.text).toMatch(/<li class="rule unmet" data-rule="uppercase"/);
    expect(res.text).toMatch(/<li class="rule met" data-rule="lowercase"/);
    expect(res.text).toContain('aria-describedby="password-rules password-error" aria-invalid="true"');
    expect(res.text).toContain('role="alert" id="error-summary"');
    // The token still works.
    expect((await form('/reset-password', { token, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })).status).toBe(200);
  });

  it('a confirmation that differs is refused before the core sees it', async () => {
    const account = await createAccount(t);
    const { token } = await requestReset(account);
    const res = await form('/reset-password', { token, password: NEW_PASSWORD, password_confirm: `${NEW_PASSWORD}x` });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The two passwords do not match.');
    expect(res.text).toMatch(/id="password_confirm"[^>]*aria-invalid="true"/);
    expect((await form('/reset-password', { token, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })).status).toBe(200);
  });

  it('the code page: wrong codes are tied to the code field and count toward the cap; the right code resets', async () => {
    const account = await createAccount(t);
    const { code } = await requestReset(account);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const fields = { identifier: account.username, code: wrong, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD };
    const first = await form('/reset-password/code', fields);
    expect(first.status).toBe(400);
    expect(first.text).toContain('do not match an open reset request');
    expect(first.text).toMatch(/id="code"[^>]*aria-describedby="code-hint code-error" aria-invalid="true"/);
    expect(first.text).toContain(`value="${account.username}"`);
    // By email address too. RESET_MAX_ATTEMPTS is 3 here: after the third wrong code even the right one is refused.
    for (let i = 0; i < 2; i++) {
      expect((await form('/reset-password/code', { ...fields, identifier: account.email })).text).toContain('do not match');
    }
    const right = await form('/reset-password/code', { ...fields, code });
    expect(right.status).toBe(400);
    expect(right.text).toContain('Too many wrong codes were entered');

    const { code: fresh } = await requestReset(account);
    const weak = await form('/reset-password/code', { ...fields, code: fresh, password: 'password1', password_confirm: 'password1' });
    expect(weak.status).toBe(400);
    expect(weak.text).toMatch(/<li class="rule unmet" data-rule="common"/);
    const ok = await form('/reset-password/code', { ...fields, identifier: account.email, code: fresh });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Your password was changed');
    expect((await login(t, account.username, NEW_PASSWORD)).status).toBe(200);
  });

  it('"request a new email" answers a known and an unknown address alike, and mails only the known one', async () => {
    const account = await createAccount(t);
    const before = (await mailbox()).filter((m) => m.to === account.email).length;
    const known = await form('/reset-password/request', { email: account.email });
    const unknown = await form('/reset-password/request', { email: 'nobody.known@example.com' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(unknown.text.replace('nobody.known@example.com', 'X')).toBe(known.text.replace(account.email, 'X'));
    const deadline = Date.now() + 10_000;
    while ((await mailbox()).filter((m) => m.to === account.email).length <= before) {
      if (Date.now() > deadline) throw new Error('no new email');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await mailbox()).some((m) => m.to === 'nobody.known@example.com')).toBe(false);
    const invalid = await form('/reset-password/request', { email: 'not an address' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('aria-invalid="true" aria-describedby="email-error"');
  });

  it('speaks German by ?locale= or Accept-Language, and escapes what the person typed', async () => {
    const de = await t.http.get('/reset-password/code', { headers: { ...HTML, 'accept-language': 'de-CH,de;q=0.9,en;q=0.8' } });
    expect(de.text).toContain('<html lang="de">');
    expect(de.text).toContain('Passwort mit Code zurücksetzen');
    const en = await t.http.get('/reset-password/code?locale=en', { headers: { ...HTML, 'accept-language': 'de' } });
    expect(en.text).toContain('<html lang="en">');
    const byQuery = await t.http.get('/reset-password/request?locale=de', { headers: HTML });
    expect(byQuery.text).toContain('Neue E-Mail anfordern');

    const evil = '<script>alert(1)</script>"';
    const res = await form('/reset-password/code?locale=de', { identifier: evil, code: '12', password: 'x', password_confirm: 'x' });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
    expect(res.text).toContain('Geben Sie die 6 Ziffern aus der E-Mail ein.');
  });

  it('GET /dev/mailbox: JSON for API clients, the mailbox page for browsers, each message in a sandboxed frame', async () => {
    const account = await createAccount(t);
    await requestReset(account);
    for (const accept of [undefined, '*/*', 'application/json', 'application/json, text/html;q=0.5']) {
      const res = await t.http.get('/dev/mailbox', accept ? { headers: { accept } } : {});
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(Array.isArray(res.body)).toBe(true);
    }
    const messages = await mailbox();
    const newest = messages[0];
    expect(Number(newest.id)).toBeGreaterThan(Number(messages[messages.length - 1].id));

    const page = await t.http.get('/dev/mailbox', { headers: HTML });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toBe(`${PAGE_CSP}; frame-src 'self'`);
    expect(page.text).toContain(`src="/dev/mailbox/messages/${newest.id}"`);
    expect(page.text).toMatch(/<iframe[^>]*sandbox="allow-top-navigation-by-user-activation allow-popups allow-popups-to-escape-sandbox"/);
    expect(page.text.indexOf(`?id=${newest.id}"`)).toBeLessThan(page.text.indexOf(`?id=${messages[1].id}"`));

    const frame = await t.http.get(`/dev/mailbox/messages/${newest.id}`, { headers: HTML });
    expect(frame.status).toBe(200);
    const csp = frame.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain('sandbox allow-top-navigation-by-user-activation');
    expect(csp).not.toContain('script-src');
    expect(frame.text).toContain('<base target="_top">');
    expect(frame.text).toContain('data-testid="reset-link"');
    expect((await t.http.get('/dev/mailbox/messages/999999999')).status).toBe(404);
  });
});
