import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, NEW_PASSWORD } from './support/accounts.js';
import { axeViolations } from './support/axe.js';
import { DESKTOP, describeWithBrowser, launchBrowser, PHONE, submit, TestBrowser, withPage } from './support/browser.js';
import { freePort } from './support/net.js';

interface MailboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * A branded service in a real browser. A file of its own: apps in one test process share the
 * embedded database, and another app's mail worker would render this app's mail in its own look.
 */
describeWithBrowser('a branded service in a browser', () => {
  let browser: TestBrowser;
  let branded: TestApp | undefined;
  let brandDir: string | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await branded?.close();
    if (brandDir) rmSync(brandDir, { recursive: true, force: true });
    await browser?.close();
  });

  it('a branded service (logo from TEMPLATES_DIR, BRAND_COLOR, support, sign-in): the whole reset at both sizes, no axe-core violations', async () => {
    const dir = (brandDir = mkdtempSync(join(tmpdir(), 'reset-svc-brand-')));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'assets', 'acme-logo.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32" viewBox="0 0 120 32"><rect width="32" height="32" rx="8" fill="#5b2a86"/><text x="40" y="23" font-family="sans-serif" font-size="20" font-weight="700" fill="#5b2a86">Acme</text></svg>',
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    branded = await startTestApp({
      PORT: String(port),
      PUBLIC_URL: url,
      MAIL_POLL_INTERVAL_MS: '100',
      TEMPLATES_DIR: dir,
      BRAND_NAME: 'Acme',
      BRAND_LOGO_URL: `${url}/assets/acme-logo.svg`,
      BRAND_COLOR: '#5b2a86',
      SUPPORT_URL: 'https://help.acme.test/',
      LOGIN_URL: 'https://app.acme.test/login',
    });
    {
      const app = branded;
      const account = await createAccount(app);
      const found: Record<string, unknown> = {};
      const check = async (page: Page, name: string) => {
        const axe = await axeViolations(page);
        if (axe.length) found[name] = axe;
      };
      for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
        await withPage(browser, `branded-request-${size}`, async (page) => {
          await page.goto(`${url}/`);
          await expect(page.getByRole('img', { name: 'Acme' }).isVisible()).resolves.toBe(true);
          await check(page, `request ${size}`);
          await page.getByLabel('Email address or username').fill(account.username);
          expect((await submit(page, 'Email me a reset link')).status()).toBe(200);
        }, { viewport });
        let link = '';
        await withPage(browser, `branded-email-${size}`, async (page) => {
          const deadline = Date.now() + 10_000;
          let mails: MailboxMessage[] = [];
          while ((mails = (await app.http.get<MailboxMessage[]>('/dev/mailbox', { headers: { accept: 'application/json' } })).body.filter((m) => m.to === account.email)).length < (size === 'desktop' ? 1 : 3)) {
            if (Date.now() > deadline) throw new Error('no branded reset email');
            await new Promise((r) => setTimeout(r, 50));
          }
          const mail = mails.find((m) => m.subject === 'Acme: Reset your password')!;
          link = /^(http\S+[?&]token=\S+)$/m.exec(mail.text)![1];
          await page.goto(`${url}/dev/mailbox?id=${mail.id}`);
          const email = page.frameLocator('iframe.message-frame');
          await email.getByRole('link', { name: 'Choose a new password' }).waitFor();
          // The logo loads (the frame's policy allows BRAND_LOGO_URL's origin).
          const logo = email.getByRole('img', { name: 'Acme' });
          for (let i = 0; i < 100 && !(await logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)); i++) {
            await new Promise((r) => setTimeout(r, 50));
          }
          await expect(logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).resolves.toBeGreaterThan(0);
        }, { viewport, fullPage: false });
        await withPage(browser, `branded-success-${size}`, async (page) => {
          await page.goto(link);
          await check(page, `reset ${size}`);
          await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
          await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
          expect((await submit(page, 'Change password')).status()).toBe(200);
          await expect(page.getByRole('link', { name: 'Continue to sign in' }).getAttribute('href')).resolves.toBe('https://app.acme.test/login');
          await expect(page.getByRole('link', { name: 'help.acme.test' }).isVisible()).resolves.toBe(true);
          await check(page, `success ${size}`);
          await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(viewport.width);
        }, { viewport });
      }
      expect(found).toEqual({});
    }
  }, 120_000);
});
