import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';

/** Debian's Chromium (CI installs it; CHROMIUM_PATH overrides). Undefined when there is none. */
export const CHROMIUM_PATH = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => !!path && existsSync(path),
);

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Screenshots of each browser test's last page (ignored by git, kept by CI as artifacts). */
export const ARTIFACTS_DIR = resolve(process.cwd(), 'test/artifacts');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * `describe` when Chromium is installed; otherwise the suite is skipped with a message saying so
 * (the strict reporter then fails the run: CI always installs Chromium).
 */
export function describeWithBrowser(name: string, fn: () => void): void {
  if (CHROMIUM_PATH) return describe(name, fn);
  console.warn(`Browser suite "${name}" SKIPPED: no Chromium at /usr/bin/chromium (install it: apt-get install -y chromium, or set CHROMIUM_PATH).`);
  describe.skip(name, fn);
}


export interface TestBrowser {
  context: BrowserContext;
  /** A new tab at the given viewport size. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Chromium headless with a fresh profile directory, removed on close. */
export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'reset-svc-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: DESKTOP,
  });
  return {
    context,
    async newPage(viewport = DESKTOP) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `fn` on a new page and always (pass or fail) saves a screenshot of its last state as
 * test/artifacts/<name>.png: the whole page unless `fullPage` is false (then what the viewport shows).
 */
export async function withPage(
  browser: TestBrowser,
  name: string,
  fn: (page: Page) => Promise<void>,
  { viewport = DESKTOP, fullPage = true }: { viewport?: { width: number; height: number }; fullPage?: boolean } = {},
): Promise<void> {
  const page = await browser.newPage(viewport);
  try {
    await fn(page);
  } finally {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage }).catch(() => undefined);
    await page.close();
  }
}

/** Clicks a form's button and waits for the POST the form sends. */
export async function submit(page: Page, button: string): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    page.getByRole('button', { name: button }).click(),
  ]);
  await page.waitForLoadState();
  return response;
}
