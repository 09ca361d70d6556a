import { PAGE_CSP } from '../src/pages/page-headers.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD, TestAccount } from './support/accounts.js';
import type { HttpResponse } from './support/http.js';
import { PageForms } from './support/page-form.js';

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

  /** Posts a page form as a browser would: from its page, with the page's CSRF token and cookie. */
  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    new PageForms(t.http).post(path, fields, { headers });

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
    expect(js.headers.get('content-type')).toMatch(/^(text|application)\/javascript; charset=utf-8$/);
    expect(responses[0].text).toContain('<script src="/assets/reset-password.js" defer></script>');
    // Static files from @fastify/static: revalidated by ETag.
    // Public files: an email in webmail may load the brand's logo from here.
    expect(css.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const etag = css.headers.get('etag')!;
    expect(etag).toBeTruthy();
    // (fetch adds `Cache-Control: no-cache` to a conditional request unless one is given, as browsers revalidating do not)
    expect((await t.http.get('/assets/pages.css', { headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } })).status).toBe(304);
    expect((await t.http.get('/assets/favicon.svg')).headers.get('content-type')).toContain('image/svg+xml');
    expect(responses[0].text).toContain('<link rel="icon" href="/assets/favicon.svg"');
    const icon = await t.http.get('/favicon.ico');
    expect(icon.status).toBe(301);
    expect(icon.headers.get('location')).toBe('/assets/favicon.svg');
    const home = await t.http.get('/', { headers: { ...HTML, 'accept-language': 'it' } });
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/reset-password/request?locale=it');
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
    const browser = new PageForms(t.http);
    const csrf = PageForms.token(await browser.open(`/reset-password?token=${token}`));
    const done = await browser.submit('/reset-password', fields, csrf);
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your password was changed');
    // Sent again (a second tab), or reopened after the reset: "already used", offering a new email, not an error.
    const again = await browser.submit('/reset-password', fields, csrf);
    expect(again.status).toBe(410);
    expect(again.text).toContain('data-reason="used"');
    expect(again.text).toContain('This link was already used');
    expect(again.text).not.toContain('role="alert"');
    const reopened = await t.http.get(`/reset-password?token=${token}`, { headers: HTML });
    expect(reopened.status).toBe(410);
    expect(reopened.text).toContain('data-reason="used"');
    // A token that never worked is "invalid".
    const forged = await t.http.get(`/reset-password?token=${token.slice(0, -4)}AAAA`, { headers: HTML });
    expect(forged.text).toContain('data-reason="invalid"');
    expect(forged.text).toContain('action="/reset-password/request"');
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
    // Said once, at the field; the rule list marks which rules; no bytes.
    expect(res.text.match(/class="field-error"/g)).toHaveLength(2); // the password's, and the hidden live mismatch slot
    expect(res.text).toMatch(/<p class="field-error" id="password_confirm-error"[^>]* hidden>/);
    expect(res.text).not.toMatch(/\d+ bytes/i);
    // The token still works.
    expect((await form('/reset-password', { token, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })).status).toBe(200);
  });

  it('a confirmation that differs is refused before the core sees it', async () => {
    const account = await createAccount(t);
    const { token } = await requestReset(account);
    const res = await form('/reset-password', { token, password: NEW_PASSWORD, password_confirm: `${NEW_PASSWORD}x` });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The two passwords do not match.');
    expect(res.text.split('The two passwords do not match.').length - 1).toBe(2); // the message and the live check's copy
    expect(res.text).toMatch(/id="password_confirm"[^>]*aria-invalid="true"/);
    // What was typed in the first field stays.
    expect(res.text).toMatch(new RegExp(`id="password" name="password" type="password"[^>]* value="${NEW_PASSWORD.replace(/[!]/g, '\\$&')}"`));
    expect((await form('/reset-password', { token, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })).status).toBe(200);
  });

  it('the code page: wrong codes are tied to the code field and count toward the cap; the right code resets', async () => {
    const account = await createAccount(t);
    const { code } = await requestReset(account);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const fields = { identifier: account.username, code: wrong, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD };
    const first = await form('/reset-password/code', fields);
    expect(first.status).toBe(400);
    expect(first.text).toContain('This code does not match the email address or username.');
    expect(first.text).toMatch(/id="code"[^>]*aria-describedby="code-hint code-error" aria-invalid="true"/);
    expect(first.text).toContain(`value="${account.username}"`);
    // By email address too. RESET_MAX_ATTEMPTS is 3 here: after the third wrong code even the right one is refused.
    for (let i = 0; i < 2; i++) {
      expect((await form('/reset-password/code', { ...fields, identifier: account.email })).text).toContain('does not match');
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

  it('"Forgot your password?" answers a known and an unknown account alike (by address or username), and mails only the known one', async () => {
    const account = await createAccount(t);
    const before = (await mailbox()).filter((m) => m.to === account.email).length;
    const page = await t.http.get('/reset-password/request', { headers: HTML });
    expect(page.text).toContain('<h1>Forgot your password?</h1>');
    expect(page.text).toContain('<label for="identifier">Email address or username</label>');
    const known = await form('/reset-password/request', { identifier: account.email });
    const unknown = await form('/reset-password/request', { identifier: 'nobody.known@example.com' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(unknown.text.replace('nobody.known@example.com', 'X')).toBe(known.text.replace(account.email, 'X'));
    const deadline = Date.now() + 10_000;
    while ((await mailbox()).filter((m) => m.to === account.email).length <= before) {
      if (Date.now() > deadline) throw new Error('no new email');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await mailbox()).some((m) => m.to === 'nobody.known@example.com')).toBe(false);
    const count = (await mailbox()).filter((m) => m.to === account.email).length;
    expect((await form('/reset-password/request', { identifier: account.username })).status).toBe(200);
    const deadline2 = Date.now() + 10_000;
    while ((await mailbox()).filter((m) => m.to === account.email).length <= count) {
      if (Date.now() > deadline2) throw new Error('no email by username');
      await new Promise((r) => setTimeout(r, 50));
    }
    const invalid = await form('/reset-password/request', { identifier: '  ' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('aria-invalid="true" aria-describedby="identifier-error"');
  });

  it('speaks German by ?locale= or Accept-Language, and escapes what the person typed', async () => {
    const de = await t.http.get('/reset-password/code', { headers: { ...HTML, 'accept-language': 'de-CH,de;q=0.9,en;q=0.8' } });
    expect(de.text).toContain('<html lang="de">');
    expect(de.text).toContain('Passwort mit Code zurücksetzen');
    const en = await t.http.get('/reset-password/code?locale=en', { headers: { ...HTML, 'accept-language': 'de' } });
    expect(en.text).toContain('<html lang="en">');
    const byQuery = await t.http.get('/reset-password/request?locale=de', { headers: HTML });
    expect(byQuery.text).toContain('<h1>Passwort vergessen?</h1>');

    const evil = '<script>alert(1)</script>"';
    const res = await form('/reset-password/code?locale=de', { identifier: evil, code: '12', password: 'x', password_confirm: 'x' });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
    expect(res.text).toContain('Geben Sie die 6 Ziffern aus der E-Mail ein.');
    // The language survives the post: the answer is German, and so are its language links' current one.
    expect(res.text).toContain('<html lang="de">');
    expect(res.text).toContain('name="locale" value="de"');
    expect(res.text).toMatch(/hreflang="de" aria-current="page"/);
  });

  it('eight languages, each with its own words; an unsupported locale falls back to the default', async () => {
    const titles: Record<string, string> = {
      en: 'Forgot your password?',
      de: 'Passwort vergessen?',
      fr: 'Mot de passe oublié ?',
      es: '¿Ha olvidado su contraseña?',
      it: 'Password dimenticata?',
      nl: 'Wachtwoord vergeten?',
      pt: 'Esqueceu-se da palavra-passe?',
      pl: 'Nie pamiętasz hasła?',
    };
    for (const [locale, title] of Object.entries(titles)) {
      const res = await t.http.get(`/reset-password/request?locale=${locale}`, { headers: HTML });
      expect(res.text).toContain(`<html lang="${locale}">`);
      expect(res.text).toContain(`<h1>${title}</h1>`);
      for (const other of Object.keys(titles)) expect(res.text).toContain(`hreflang="${other}"`);
    }
    const fallback = await t.http.get('/reset-password/request?locale=xx', { headers: { ...HTML, 'accept-language': 'ja' } });
    expect(fallback.text).toContain('<html lang="en">');
  });

  it('refuses a form without its CSRF token, or sent from another site, with a page in the person\'s language', async () => {
    const account = await createAccount(t);
    const { code } = await requestReset(account);
    const fields = { identifier: account.username, code, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD, locale: 'fr' };
    // No token, no cookie.
    const bare = await t.http.post('/reset-password/code', undefined, { form: fields, headers: HTML });
    expect(bare.status).toBe(403);
    expectPageHeaders(bare);
    expect(bare.text).toContain('<html lang="fr">');
    expect(bare.text).toContain('Veuillez réessayer');
    expect(bare.text).toMatch(/href="\/reset-password\/code\?locale(=|&#x3D;)fr"/);
    // A token from another browser (another cookie) does not do either.
    const other = new PageForms(t.http);
    const stolen = PageForms.token(await other.open('/reset-password/code'));
    expect((await t.http.post('/reset-password/code', undefined, { form: { ...fields, _csrf: stolen }, headers: HTML })).status).toBe(403);
    // The right token, but the browser says the form came from another site.
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }]) {
      const res = await form('/reset-password/code', fields, { ...headers, 'accept-language': 'de' });
      expect(res.status).toBe(403);
    }
    const foreign = await new PageForms(t.http).post('/reset-password/request', { identifier: account.email }, { headers: { 'sec-fetch-site': '', origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    // The same form from our own page goes through, and the code was not used up by the refusals.
    expect((await form('/reset-password/code', fields)).status).toBe(200);
    expect((await login(t, account.username, NEW_PASSWORD)).status).toBe(200);
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
    expect(frame.text).toMatch(/<a href="[^"]+\/reset-password\?token[^"]+"[^>]*>Choose a new password<\/a>/);
    expect(frame.text).not.toContain('data-testid');
    expect((await t.http.get('/dev/mailbox/messages/999999999')).status).toBe(404);
  });
});
