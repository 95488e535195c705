/**
 * Debian's Chromium (the `chromium` package; .ci/run installs it) driven by playwright-core:
 * no browser is downloaded. Each launch gets a fresh profile (playwright passes a new temporary
 * --user-data-dir and removes it on close), so no state leaks between runs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 360, height: 780 } as const;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium package (apt-get install -y chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A fresh browser context (its own sessionStorage) at desktop or phone size. */
export async function newContext(browser: Browser, size: { width: number; height: number } = DESKTOP): Promise<BrowserContext> {
  const phone = size.width < 600;
  return browser.newContext({
    viewport: size,
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
    locale: 'ro-RO',
    timezoneId: 'Europe/Bucharest',
  });
}

/**
 * Collects uncaught page errors and console errors (a Content-Security-Policy violation is one),
 * so a test can assert there were none. The browser's note on every non-2xx answer ("Failed to
 * load resource") is left out: the tests cause 401, 403 and 412 on purpose.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded with a status of')) {
      errors.push(`console: ${m.text()}`);
    }
  });
  return errors;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Writes docs/screenshots/<name>.png: the whole page, with the viewport stretched to the
 * page's height so the sticky save bar sits at the bottom where it belongs.
 */
/**
 * Full-page screenshot. The committed ones under docs/screenshots are kept (they show dates,
 * so every run would change them); UPDATE_SCREENSHOTS=1 rewrites them, and every run also
 * writes a fresh copy under .data/screenshots to look at.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const committed = `${REPO}docs/screenshots/${name}.png`;
  const path = process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(committed) ? committed : `${REPO}.data/screenshots/${name}.png`;
  mkdirSync(dirname(path), { recursive: true });
  const size = page.viewportSize() ?? DESKTOP;
  const height = await page.evaluate('document.documentElement.scrollHeight');
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, Number(height)) });
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  await page.setViewportSize(size);
  return path;
}
