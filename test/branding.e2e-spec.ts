import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD } from './support/accounts.js';
import { ensureBuilt, expectEnded, runMain } from './support/built-app.js';
import { PageForms } from './support/page-form.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const HTML = { accept: 'text/html' };

/** A TEMPLATES_DIR with the given files (path → content). */
function templatesDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'reset-svc-templates-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/**
 * An operator's branding and TEMPLATES_DIR, end to end: the reset email as delivered to a real
 * SMTP server (subject, HTML, text, sender), and the pages a person then goes through.
 */
describe('branding and TEMPLATES_DIR', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let dir: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    dir = templatesDir({
      // Words: only the keys that change.
      'locales/en.json': JSON.stringify({ page: { request: { title: 'Locked out of Acme?' } }, mail: { resetCode: { button: 'Pick a new Acme password' } } }),
      // A whole template replaced.
      'mail/reset-code/subject.hbs': '{{brand.name}} password help for {{username}}',
      // A stylesheet replaced; the script stays the built-in one.
      'assets/pages.css': 'body { background: #fdf6e3; }\n',
    });
    t = await startTestApp({
      SMTP_URL: smtp.url,
      MAIL_POLL_INTERVAL_MS: '100',
      TEMPLATES_DIR: dir,
      BRAND_NAME: 'Acme',
      BRAND_LOGO_URL: 'https://cdn.acme.test/logo.svg',
      BRAND_COLOR: '#ffd33d',
      SUPPORT_EMAIL: 'help@acme.test',
      LOGIN_URL: 'https://app.acme.test/login',
      MAIL_FROM: 'Acme Accounts <accounts@acme.test>',
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the reset email names the product, has a button in the brand colour, the code large, the validity, what to do if it was not you and the support contact', async () => {
    const account = await createAccount(t);
    const forms = new PageForms(t.http);
    const page = await forms.open('/reset-password/request');
    expect(page.text).toContain('<h1>Locked out of Acme?</h1>');
    expect(page.text).toContain('<img src="https://cdn.acme.test/logo.svg" alt="Acme" class="brand-logo">');
    expect(page.text).toContain('<a href="mailto:help@acme.test">help@acme.test</a>');
    expect(page.headers.get('content-security-policy')).toContain("img-src 'self' data: https://cdn.acme.test;");
    expect((await forms.submit('/reset-password/request', { identifier: account.username }, PageForms.token(page))).status).toBe(200);

    const [mail] = await smtp.waitFor(smtp.to(account.email));
    expect(mail.parsed.from?.value).toEqual([{ name: 'Acme Accounts', address: 'accounts@acme.test' }]);
    expect(mail.subject).toBe(`Acme password help for ${account.username}`);
    const { code, link } = secretsFrom(mail);
    // HTML: the brand, a real button (a link styled on a coloured cell, dark text on the light brand colour), the code large.
    expect(mail.html).toContain('<img src="https://cdn.acme.test/logo.svg" alt="Acme"');
    expect(mail.html).toMatch(/<td style="border-radius:8px;background:#ffd33d;">\s*<a href="[^"]+" style="display:inline-block;[^"]*color:#000000;[^"]*">Pick a new Acme password<\/a>/);
    expect(mail.html).toMatch(new RegExp(`font-size:32px[^>]*>${code}<`));
    expect(mail.html).not.toContain('data-testid');
    // Text: the same, in words.
    expect(mail.text).toContain('your Acme account');
    expect(mail.text).toContain('valid for 15 minutes');
    expect(mail.text).toContain('If you did not ask for this, you can ignore this email.');
    expect(mail.text).toContain('Questions? Contact help@acme.test.');
    expect(mail.text.split('\n')).toEqual(expect.arrayContaining([code, link]));

    // The pages: the operator's stylesheet, the built-in script, the brand colour as a stylesheet.
    expect((await t.http.get('/assets/pages.css')).text).toBe('body { background: #fdf6e3; }\n');
    expect((await t.http.get('/assets/reset-password.js')).text).toContain('data-password-form');
    const theme = await t.http.get('/theme.css');
    expect(theme.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(theme.text).toContain('--brand: #ffd33d; --brand-text: #000000;');

    const linkPage = await forms.open(new URL(link).pathname + new URL(link).search);
    expect(linkPage.text).toContain('<link rel="stylesheet" href="/theme.css">');
    expect(linkPage.text).toContain('<title>Choose a new password · Acme</title>');
    const fields = { token: new URL(link).searchParams.get('token')!, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD };
    const done = await forms.submit('/reset-password', fields, PageForms.token(linkPage));
    expect(done.status).toBe(200);
    expect(done.text).toContain('<a class="button" href="https://app.acme.test/login">Continue to sign in</a>');
    // Reopened: already used, and sign-in is offered there too.
    const reopened = await t.http.get(new URL(link).pathname + new URL(link).search, { headers: HTML });
    expect(reopened.text).toContain('This link was already used');
    expect(reopened.text).toContain('href="https://app.acme.test/login"');
    expect((await login(t, account.username, NEW_PASSWORD)).status).toBe(200);

    // The "password changed" email says when, and how to get help.
    const [changed] = await smtp.waitFor((m) => smtp.to(account.email)(m) && m.subject === 'Acme: Your password was changed');
    expect(changed.text).toMatch(/was changed on \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(changed.text).toContain('http://localhost:3000/reset-password/request?locale=en');
    expect(changed.text).toContain('Questions? Contact help@acme.test.');
  });
});

describe('a broken TEMPLATES_DIR stops the start-up, naming the file and the line', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it.each([
    ['views/partials/alert.hbs', '<p>\n{{#if alert}}\n<p>{{alert}}</p>\n', /Invalid template .*views\/partials\/alert\.hbs:\d+: Expecting/],
    ['locales/de.json', '{\n  "page": {\n    "request": { "title": "x", }\n  }\n}\n', /Invalid catalogue .*locales\/de\.json:3: /],
    ['views/success.hbs', '<h1>{{t "page.nope"}}</h1>\n', /views\/success\.hbs:1: "page\.nope" is in no catalogue/],
    ['views/sucess.hbs', '<h1>typo</h1>\n', /views\/sucess\.hbs is not used/],
  ])('%s', async (path, content, message) => {
    const dir = templatesDir({ [path]: content });
    const data = mkdtempSync(join(tmpdir(), 'reset-svc-data-'));
    try {
      const result = await runMain({ NODE_ENV: 'test', DATABASE_URL: 'memory://', DATA_DIR: data, PORT: '0', TEMPLATES_DIR: dir }, 60_000);
      expectEnded(result);
      expect(result.code).not.toBe(0);
      // eslint-disable-next-line no-control-regex
      expect((result.stdout + result.stderr).replace(/\x1b\[[0-9;]*m/g, '')).toMatch(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  }, 90_000);
});
