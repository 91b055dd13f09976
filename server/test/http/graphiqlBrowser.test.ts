import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';

// GraphiQL in a real browser (Debian's Chromium, driven by playwright-core): the page works under
// its Content-Security-Policy, with no network beyond this server, and runs a query. A CSP that is
// one hash off, or a script fetched from a CDN, passes every header test and breaks the page.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let t: TestApp;
let server: Listening;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  t = await createTestApp();
  server = await listen(t.app);
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. The rest keep Chromium
  // from calling out (updates, sync, QUIC probes): this machine has no internet, and each refused
  // connection it retries slows a loaded machine further.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

interface Visit {
  page: Page;
  /** Every CSP violation the page reported, as "directive blocked-uri". */
  violations: () => Promise<string[]>;
  /** Requests to any other origin (refused here, as they would fail with no internet). */
  elsewhere: string[];
  pageErrors: string[];
}

async function openGraphiQL(path: string): Promise<Visit> {
  const page = await browser.newPage();
  const origin = `http://127.0.0.1:${server.port}`;
  const elsewhere: string[] = [];
  const pageErrors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toMatch(/default-src 'self'/);
  return {
    page,
    elsewhere,
    pageErrors,
    violations: () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  };
}

// A browser on a loaded 2-core machine takes tens of seconds per page: the bound is generous, the waits are on events.
describe('GraphiQL in a browser', { timeout: 180_000 }, () => {
  it('loads under its CSP with nothing blocked, nothing fetched from elsewhere, and runs a query', async () => {
    const visit = await openGraphiQL('/graphql?query=%7B__typename%7D');
    try {
      await visit.page.waitForSelector('.graphiql-container');
      await visit.page.click('.graphiql-execute-button');
      // The answer pane is an editor that fills in as it renders: wait for the whole answer.
      await visit.page.waitForFunction(() => /"__typename":\s*"Query"/.test(document.querySelector('.graphiql-response')?.textContent ?? ''));
      expect(await visit.violations()).toEqual([]);
      expect(visit.elsewhere).toEqual([]);
      expect(visit.pageErrors).toEqual([]);
    } finally {
      await visit.page.close();
    }
  });

  it('a script the page did not ship is blocked by the CSP (the policy is enforced, not only sent)', async () => {
    const visit = await openGraphiQL('/graphql');
    try {
      await visit.page.waitForSelector('.graphiql-container');
      // What an injected inline script would do: it must not run, and the browser reports it.
      const ran = await visit.page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.injectedRan = true';
        document.body.appendChild(script);
        return (window as unknown as { injectedRan?: boolean }).injectedRan === true;
      });
      expect(ran).toBe(false);
      await visit.page.waitForFunction(() => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0);
      expect((await visit.violations()).some((v) => v.startsWith('script-src'))).toBe(true);
    } finally {
      await visit.page.close();
    }
  });
});
