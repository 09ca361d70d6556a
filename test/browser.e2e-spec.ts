import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD, TestAccount } from './support/accounts.js';
import { axeViolations } from './support/axe.js';
import { DESKTOP, describeWithBrowser, launchBrowser, PHONE, submit, TestBrowser, withPage } from './support/browser.js';
import { freePort } from './support/net.js';

const WEAK_PASSWORD = 'password1';

interface MailboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * The hosted pages in a real browser (Chromium through playwright-core), against the whole app
 * over HTTP with the dev mail transport: emails are read on the dev mailbox page, as a person would.
 */
describeWithBrowser('hosted pages in a browser', () => {
  let t: TestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    const port = await freePort();
    // PUBLIC_URL names this app so the emailed links point at it; no SMTP_URL: the dev mailbox keeps the mail.
    [t, browser] = await Promise.all([
      startTestApp({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, MAIL_POLL_INTERVAL_MS: '100' }),
      launchBrowser(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function mailbox(): Promise<MailboxMessage[]> {
    const res = await t.http.get<MailboxMessage[]>('/dev/mailbox', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    return res.body;
  }

  /** Waits until the dev mailbox holds `count` reset emails to `to`; returns them newest first. */
  async function resetMails(to: string, count = 1): Promise<MailboxMessage[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = (await mailbox()).filter((m) => m.to === to && m.subject === 'Reset your password');
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`expected ${count} reset email(s) to ${to}, got ${found.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Requests a reset by API (username-code) and returns the newest email's link and code. */
  async function requestReset(account: TestAccount, headers: Record<string, string> = {}) {
    const before = (await mailbox()).filter((m) => m.to === account.email).length;
    const res = await t.http.post('/api/auth/forgotPassword/sendEmail', { username: account.username }, { headers });
    expect(res.status).toBe(200);
    const [mail] = await resetMails(account.email, before + 1);
    const link = /^(http\S+[?&]token=\S+)$/m.exec(mail.text)![1];
    const code = /^(\d{6})$/m.exec(mail.text)![1];
    return { mail, link, code };
  }

  /** Console messages about blocked content: the pages must work under their own CSP. */
  function cspViolations(page: Page): string[] {
    const seen: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) seen.push(m.text());
    });
    return seen;
  }

  const rule = (page: Page, id: string) => page.locator(`#password-rules li[data-rule="${id}"]`);

  it('full flow: API request → dev mailbox page → emailed link → weak password refused → new password → log in', async () => {
    const account = await createAccount(t);
    await requestReset(account);

    await withPage(browser, 'full-flow', async (page) => {
      const violations = cspViolations(page);
      const inbox = await page.goto(`${t.url}/dev/mailbox`);
      expect(inbox!.status()).toBe(200);
      expect(inbox!.headers()['content-type']).toContain('text/html');
      await expect(page.getByRole('heading', { name: 'Dev mailbox' }).isVisible()).resolves.toBe(true);
      const newest = page.locator('ul.messages li').first();
      await expect(newest.textContent()).resolves.toContain(account.email);

      // The rendered email, in its sandboxed frame: click its link like a person.
      const email = page.frameLocator('iframe.message-frame');
      await Promise.all([
        page.waitForURL(/\/reset-password\?token=/),
        email.getByRole('link', { name: 'Choose a new password' }).click(),
      ]);
      await expect(page.getByRole('heading', { name: 'Choose a new password' }).isVisible()).resolves.toBe(true);

      // Live rules while typing a weak password.
      await page.getByLabel('New password', { exact: true }).fill(WEAK_PASSWORD);
      await expect(rule(page, 'uppercase').getAttribute('class')).resolves.toMatch(/\bunmet\b/);
      await expect(rule(page, 'special').getAttribute('class')).resolves.toMatch(/\bunmet\b/);
      await expect(rule(page, 'lowercase').getAttribute('class')).resolves.toMatch(/\bmet\b/);
      await expect(rule(page, 'digit').getAttribute('class')).resolves.toMatch(/\bmet\b/);
      await expect(rule(page, 'min_length').getAttribute('class')).resolves.toMatch(/\bmet\b/);
      await page.getByLabel('Repeat the new password').fill(WEAK_PASSWORD);

      // The server refuses it and shows the failed rules, tied to the field, saying it once.
      const refused = await submit(page, 'Change password');
      expect(refused.status()).toBe(400);
      for (const failed of ['uppercase', 'special', 'common']) {
        await expect(rule(page, failed).getAttribute('class')).resolves.toMatch(/\bunmet\b/);
      }
      await expect(rule(page, 'lowercase').getAttribute('class')).resolves.toMatch(/\bmet\b/);
      const field = page.getByLabel('New password', { exact: true });
      await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(field.getAttribute('aria-describedby')).resolves.toBe('password-rules password-error');
      await expect(page.locator('#password-error').textContent()).resolves.toBe('Choose a password that meets the rules marked below.');
      await expect(page.getByText('Choose a password that meets the rules marked below.').count()).resolves.toBe(1);
      // The person's focus lands on the field to fix.
      await expect(page.evaluate<string | undefined>('document.activeElement?.id')).resolves.toBe('password');
      // Once the password changes, the server's verdict no longer shows: "common" is neutral again, the message goes.
      await field.fill('Another1');
      await expect(rule(page, 'common').getAttribute('class')).resolves.toBe('rule');
      await expect(page.locator('#password-error').isVisible()).resolves.toBe(false);
      await expect(field.getAttribute('aria-describedby')).resolves.toBe('password-rules');
      // "Too long" shows only while the password is too long (the limit is in bytes; the page never says so).
      await expect(rule(page, 'max_bytes').isVisible()).resolves.toBe(false);
      await field.fill(`Aa1!${'é'.repeat(40)}`);
      await expect(rule(page, 'max_bytes').isVisible()).resolves.toBe(true);
      await expect(rule(page, 'max_bytes').textContent()).resolves.toContain('This password is too long.');

      // A good password: every rule the page can check turns green, and the reset succeeds.
      await field.fill(NEW_PASSWORD);
      for (const met of ['min_length', 'uppercase', 'lowercase', 'digit', 'special']) {
        await expect(rule(page, met).getAttribute('class')).resolves.toMatch(/\bmet\b/);
      }
      await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
      const changed = await submit(page, 'Change password');
      expect(changed.status()).toBe(200);
      await expect(page.getByRole('heading', { name: 'Your password was changed' }).isVisible()).resolves.toBe(true);
      expect(violations).toEqual([]);
    });

    expect((await login(t, account.username, NEW_PASSWORD)).status).toBe(200);
    expect((await login(t, account.username, account.password)).status).toBe(401);
  });

  it('serves the reset page with no-store, no-referrer and a strict CSP that forbids framing', async () => {
    const account = await createAccount(t);
    const { link } = await requestReset(account);
    await withPage(browser, 'headers', async (page) => {
      const res = (await page.goto(link))!;
      const headers = res.headers();
      expect(res.status()).toBe(200);
      expect(headers['cache-control']).toBe('no-store');
      expect(headers['referrer-policy']).toBe('no-referrer');
      const csp = headers['content-security-policy'];
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("default-src 'none'");
      // Works with scripts off too: a plain form posting to /reset-password.
      await expect(page.locator('form[method="post"][action="/reset-password"]').count()).resolves.toBe(1);
    });
  });

  it('a link opened twice: the second POST shows the used-link page, which offers a new email', async () => {
    const account = await createAccount(t);
    const { link } = await requestReset(account);
    const first = await browser.newPage();
    try {
      await withPage(browser, 'link-used-twice', async (second) => {
        await first.goto(link);
        await second.goto(link);
        for (const page of [first, second]) {
          await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
          await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
        }
        expect((await submit(first, 'Change password')).status()).toBe(200);
        const again = await submit(second, 'Change password');
        expect(again.status()).toBe(410);
        await expect(second.getByRole('heading', { name: 'This link was already used' }).isVisible()).resolves.toBe(true);
        await expect(second.locator('#link-error').getAttribute('data-reason')).resolves.toBe('used');

        // It offers a new email (the answer never says whether the address is known).
        await second.getByRole('link', { name: 'Get a new link' }).click();
        await second.getByLabel('Email address or username').fill(account.email);
        const sent = await submit(second, 'Email me a reset link');
        expect(sent.status()).toBe(200);
        await expect(second.getByRole('heading', { name: 'Check your inbox' }).isVisible()).resolves.toBe(true);
        await resetMails(account.email, 2);

        // An unknown address gets the same page and no email.
        await second.goto(`${t.url}/reset-password/request`);
        await second.getByLabel('Email address or username').fill('nobody.here@example.com');
        expect((await submit(second, 'Email me a reset link')).status()).toBe(200);
        await expect(second.getByRole('heading', { name: 'Check your inbox' }).isVisible()).resolves.toBe(true);

        // The dev mailbox lists the new email first.
        await second.goto(`${t.url}/dev/mailbox`);
        await expect(second.locator('ul.messages li').first().textContent()).resolves.toContain(account.email);
        await second.frameLocator('iframe.message-frame').getByRole('link', { name: 'Choose a new password' }).waitFor();
      });
    } finally {
      await first.close();
    }
    expect((await mailbox()).some((m) => m.to === 'nobody.here@example.com')).toBe(false);
    expect((await login(t, account.username, NEW_PASSWORD)).status).toBe(200);
  });

  it('a scanner fetching the link first (plain HTTP GET) does not break the person’s reset', async () => {
    const account = await createAccount(t);
    const { link } = await requestReset(account);
    for (let i = 0; i < 3; i++) {
      const scanned = await fetch(link, { headers: { 'user-agent': 'LinkScanner/1.0' } });
      expect(scanned.status).toBe(200);
      expect(await scanned.text()).toContain('name="token"');
    }
    await withPage(browser, 'scanner-then-person', async (page) => {
      await page.goto(link);
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
      expect((await submit(page, 'Change password')).status()).toBe(200);
      await expect(page.getByRole('heading', { name: 'Your password was changed' }).isVisible()).resolves.toBe(true);
    });
    expect((await login(t, account.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('the code page (phone width): a wrong code is tied to its field, the right one resets', async () => {
    const account = await createAccount(t);
    const { code } = await requestReset(account);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await withPage(
      browser,
      'code-page-phone',
      async (page) => {
        const violations = cspViolations(page);
        await page.goto(`${t.url}/reset-password/code`);
        await page.getByLabel('Email address or username').fill(account.email);
        await page.getByLabel('6-digit code').fill(wrong);
        await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
        await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
        expect((await submit(page, 'Change password')).status()).toBe(400);
        const codeField = page.getByLabel('6-digit code');
        await expect(codeField.getAttribute('aria-invalid')).resolves.toBe('true');
        await expect(codeField.getAttribute('aria-describedby')).resolves.toBe('code-hint code-error');
        await expect(page.locator('#code-error').textContent()).resolves.toContain('does not match');
        await expect(page.getByLabel('Email address or username').inputValue()).resolves.toBe(account.email);

        await codeField.fill(code);
        await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
        await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
        expect((await submit(page, 'Change password')).status()).toBe(200);
        await expect(page.getByRole('heading', { name: 'Your password was changed' }).isVisible()).resolves.toBe(true);
        // Readable on a phone: nothing wider than the screen.
        await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(PHONE.width);
        expect(violations).toEqual([]);
      },
      { viewport: PHONE },
    );
    expect((await login(t, account.username, NEW_PASSWORD)).status).toBe(200);
  });

  it('German by Accept-Language (phone width), English again by ?locale=en', async () => {
    const account = await createAccount(t);
    const { link } = await requestReset(account);
    await withPage(
      browser,
      'reset-page-de-phone',
      async (page) => {
        await page.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' });
        await page.goto(`${link}&locale=en`);
        await expect(page.getByRole('heading', { name: 'Choose a new password' }).isVisible()).resolves.toBe(true);
        await page.goto(link);
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe('de');
        await expect(page.getByRole('heading', { name: 'Neues Passwort wählen' }).isVisible()).resolves.toBe(true);
        await expect(rule(page, 'uppercase').textContent()).resolves.toContain('ein Großbuchstabe');
        await page.getByLabel('Neues Passwort', { exact: true }).fill(WEAK_PASSWORD);
        await page.getByLabel('Neues Passwort wiederholen').fill(`${WEAK_PASSWORD}x`);
        // The mismatch shows live, and the server says it too.
        await expect(page.locator('#password_confirm-error').isVisible()).resolves.toBe(true);
        expect((await submit(page, 'Passwort ändern')).status()).toBe(400);
        await expect(page.locator('#password_confirm-error').textContent()).resolves.toBe('Die beiden Passwörter stimmen nicht überein.');
        await expect(page.getByText('Die beiden Passwörter stimmen nicht überein.').count()).resolves.toBe(1);
        await expect(page.getByLabel('Neues Passwort wiederholen').getAttribute('aria-invalid')).resolves.toBe('true');
        // What was typed in the first field is kept; the language too.
        await expect(page.getByLabel('Neues Passwort', { exact: true }).inputValue()).resolves.toBe(WEAK_PASSWORD);
        await expect(rule(page, 'lowercase').getAttribute('class')).resolves.toBe('rule met');
        await expect(rule(page, 'uppercase').getAttribute('class')).resolves.toBe('rule unmet');
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe('de');
        await page.getByLabel('Neues Passwort', { exact: true }).fill(WEAK_PASSWORD);
        await page.getByLabel('Neues Passwort wiederholen').fill(WEAK_PASSWORD);
        expect((await submit(page, 'Passwort ändern')).status()).toBe(400);
        await expect(rule(page, 'common').getAttribute('class')).resolves.toMatch(/\bunmet\b/);
        await expect(page.locator('#password-error').textContent()).resolves.toBe('Wählen Sie ein Passwort, das die unten markierten Regeln erfüllt.');
        await expect(rule(page, 'common').textContent()).resolves.toContain('kein häufig verwendetes Passwort');
      },
      { viewport: PHONE },
    );
  });

  it('a form submitted from another site (a second local server) is refused with a page in the person’s language, and nothing is sent', async () => {
    const account = await createAccount(t);
    // The attacker's page: another origin that posts the "Forgot your password?" form to us as soon as it loads.
    const attacker: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><body><form id="f" method="post" action="${t.url}/reset-password/request">
        <input name="identifier" value="${account.email}"><input name="_csrf" value="guessed"></form>
        <script>document.getElementById('f').submit()</script></body></html>`);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => attacker.listen(port, '127.0.0.1', resolve));
    try {
      await withPage(browser, 'cross-site-refused', async (page) => {
        await page.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' });
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().startsWith(`${t.url}/reset-password/request`) && r.request().method() === 'POST'),
          page.goto(`http://localhost:${port}/`),
        ]);
        expect(response.status()).toBe(403);
        await page.waitForURL(`${t.url}/reset-password/request`);
        await expect(page.getByRole('heading', { name: 'Bitte versuchen Sie es erneut' }).isVisible()).resolves.toBe(true);
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe('de');
        // It offers the real form, which then works.
        await page.getByRole('link', { name: 'Seite neu öffnen' }).click();
        await page.getByLabel('E-Mail-Adresse oder Benutzername').fill(account.email);
        expect((await submit(page, 'Link zum Zurücksetzen senden')).status()).toBe(200);
      });
    } finally {
      attacker.closeAllConnections();
      await new Promise((resolve) => attacker.close(resolve));
    }
    // Only the person's own request sent an email (mail goes out in the order it was queued, so a
    // message queued by the refused post would be there by now).
    const deadline = Date.now() + 10_000;
    while (!(await mailbox()).some((m) => m.to === account.email)) {
      if (Date.now() > deadline) throw new Error('no email for the request made from our own page');
      await new Promise((r) => setTimeout(r, 50));
    }
    const mails = (await mailbox()).filter((m) => m.to === account.email);
    expect(mails.map((m) => m.subject)).toEqual(['Passwort zurücksetzen']);
  });

  it('every page state at desktop and phone size: screenshots, no axe-core violations, nothing wider than the screen', async () => {
    const account = await createAccount(t);
    const { link, code } = await requestReset(account);
    const used = await createAccount(t);
    const { link: usedLink } = await requestReset(used);
    const states: { name: string; viewportOnly?: boolean; open: (page: Page) => Promise<unknown> }[] = [
      { name: 'request', open: (p) => p.goto(`${t.url}/`) },
      {
        name: 'request-sent',
        open: async (p) => {
          await p.goto(`${t.url}/reset-password/request`);
          await p.getByLabel('Email address or username').fill('someone@example.com');
          await submit(p, 'Email me a reset link');
        },
      },
      { name: 'reset-form', open: (p) => p.goto(link) },
      {
        name: 'reset-refused',
        open: async (p) => {
          await p.goto(link);
          await p.getByLabel('New password', { exact: true }).fill(WEAK_PASSWORD);
          await p.getByLabel('Repeat the new password').fill(WEAK_PASSWORD);
          await submit(p, 'Change password');
        },
      },
      {
        name: 'reset-mismatch',
        open: async (p) => {
          await p.goto(link);
          await p.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
          await p.getByLabel('Repeat the new password').fill(`${NEW_PASSWORD}x`);
          await submit(p, 'Change password');
        },
      },
      { name: 'code-form', open: (p) => p.goto(`${t.url}/reset-password/code?locale=pl`) },
      {
        name: 'code-wrong',
        open: async (p) => {
          await p.goto(`${t.url}/reset-password/code`);
          await p.getByLabel('Email address or username').fill(account.username);
          await p.getByLabel('6-digit code').fill(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
          await p.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
          await p.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
          await submit(p, 'Change password');
        },
      },
      {
        name: 'success',
        open: async (p) => {
          await p.goto(usedLink);
          await p.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
          await p.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
          await submit(p, 'Change password');
        },
      },
      { name: 'link-used', open: (p) => p.goto(usedLink) },
      { name: 'link-invalid', open: (p) => p.goto(`${t.url}/reset-password?token=not-a-token&locale=fr`) },
      { name: 'link-missing', open: (p) => p.goto(`${t.url}/reset-password?locale=es`) },
      { name: 'dev-mailbox', open: (p) => p.goto(`${t.url}/dev/mailbox`) },
      // The reset email itself, as the dev mailbox shows it (a full-page capture resizes the window
      // and Chromium then shows a stale paint of the framed message: the viewport is captured instead).
      {
        name: 'reset-email',
        viewportOnly: true,
        open: async (p) => {
          await p.goto(`${t.url}/dev/mailbox?id=${(await resetMails(account.email))[0].id}`);
          await p.frameLocator('iframe.message-frame').getByRole('link', { name: 'Choose a new password' }).waitFor();
        },
      },
    ];
    const found: Record<string, unknown> = {};
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      for (const state of states) {
        // The success state uses its link once; at phone size it is the used-link page's turn again.
        if (size === 'phone' && state.name === 'success') continue;
        await withPage(
          browser,
          `page-${state.name}-${size}`,
          async (page) => {
            const violations = cspViolations(page);
            await state.open(page);
            const axe = await axeViolations(page);
            if (axe.length) found[`${state.name} ${size}`] = axe;
            expect(violations).toEqual([]);
            await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(viewport.width);
          },
          { viewport, fullPage: !state.viewportOnly },
        );
      }
    }
    expect(found).toEqual({});
  }, 180_000);

  it('Swagger UI at /docs shows every tag of the OpenAPI document, and "Try it out" runs a whole username-code flow', async () => {
    const doc = (await t.http.get('/docs-json')).body as {
      tags?: { name: string }[];
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const tags = new Set<string>((doc.tags ?? []).map((tag) => tag.name));
    for (const operations of Object.values(doc.paths)) for (const op of Object.values(operations)) for (const tag of op.tags ?? []) tags.add(tag);
    expect(tags.size).toBeGreaterThan(0);
    expect([...tags].some((tag) => tag.startsWith('username-code'))).toBe(true);

    const account = await createAccount(t);
    await withPage(browser, 'swagger-ui', async (page) => {
      await page.goto(`${t.url}/docs`);
      await page.locator('.opblock-tag-section').first().waitFor();
      for (const tag of tags) {
        await expect(page.locator('.opblock-tag').filter({ hasText: tag }).first().isVisible()).resolves.toBe(true);
      }

      /** Expands an operation, sends `body` with "Try it out" → "Execute", and returns the live response. */
      async function tryItOut(path: string, body: unknown): Promise<{ status: string; body: string }> {
        const op = page.locator('.opblock', { has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
        if (!(await op.locator('button.execute').isVisible())) await op.locator('.opblock-summary').first().click();
        const tryOut = op.locator('button.try-out__btn');
        if ((await tryOut.textContent())?.trim() === 'Try it out') await tryOut.click();
        await op.locator('textarea.body-param__text').fill(JSON.stringify(body));
        await op.locator('button.execute').click();
        const row = op.locator('.live-responses-table .response').first();
        await row.waitFor();
        return {
          status: (await row.locator('.response-col_status').textContent())!.trim(),
          body: (await row.locator('.response-col_description pre').first().textContent()) ?? '',
        };
      }

      const sent = await tryItOut('/api/auth/forgotPassword/sendEmail', { username: account.username });
      expect(sent.status).toBe('200');
      expect(sent.body).toContain('Sent');
      const [mail] = await resetMails(account.email);
      const code = /^(\d{6})$/m.exec(mail.text)![1];
      const checked = await tryItOut('/api/auth/forgotPassword/checkCode', { username: account.username, code });
      expect(checked.status).toBe('200');
      expect(checked.body).toContain('code_correct');
      const reset = await tryItOut('/api/auth/forgotPassword/resetPassword', {
        username: account.username,
        code,
        new_password: NEW_PASSWORD,
      });
      expect(reset.status).toBe('200');
      expect(reset.body).toContain('Changed password successful');
      await page
        .locator('.opblock', { has: page.locator('.opblock-summary-path[data-path="/api/auth/forgotPassword/resetPassword"]') })
        .locator('.live-responses-table')
        .first()
        .scrollIntoViewIfNeeded();
    }, { fullPage: false });
    expect((await login(t, account.username, NEW_PASSWORD)).status).toBe(200);
  });
});
