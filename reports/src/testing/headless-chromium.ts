import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = process.env.ADVBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep Chromium from talking to the network on its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-domain-reliability',
];

/** A page with every request it made and every console error, recorded. */
export interface RecordedPage {
  /** The page. */
  page: Page;
  /** URLs of every request the page made, in order. */
  requests: string[];
  /** Console errors and page errors. */
  errors: string[];
}

/**
 * Launches headless Chromium for browser tests. Fails (never skips) when Chromium is missing, saying how to
 * install it: tests that need a browser must run, in CI too.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (Debian package chromium), or set ADVBENCH_CHROMIUM`);
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/** A new page recording every request (including the main document) and every error. */
export async function recordedPage(browser: Browser): Promise<RecordedPage> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return { page, requests, errors };
}
