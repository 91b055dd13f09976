import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';

// A reveal link in a real browser (Debian's Chromium, driven by playwright-core): the page works
// under its Content-Security-Policy (no inline script), the Reveal button shows the key, the copy
// button copies it, and the link is gone afterwards.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);

let t: TestApp;
let server: Listening;
let browser: Browser;
let tenant: TestTenant;

// A browser on a loaded 2-core machine takes tens of seconds per page: the bound is generous, the waits are on events.
describe.skipIf(!HAS_CHROMIUM)(`A reveal link in a browser${HAS_CHROMIUM ? '' : ` (skipped: Chromium not found at ${CHROMIUM}; apt-get install chromium, or set CHROMIUM_PATH)`}`, { timeout: 240_000 }, () => {
  beforeAll(async () => {
    t = await createTestApp();
    server = await listen(t.app);
    tenant = await createTenant(t.app, 'Browser reveal');
    // The flags of graphiqlBrowser.test.ts: no sandbox as root, and no calls out.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it('shows a Reveal button, then the key with a working copy button, then 410 on reload', async () => {
    const created = await t.graphql(
      `mutation { createKey(input: { name: "for a colleague", delivery: REVEAL_LINK }) { ... on CreateKeyPayload { revealUrl apiKey { publicId } } } }`,
      {},
      { token: tenant.owner.token },
    );
    const origin = `http://127.0.0.1:${server.port}`;
    const link = `${origin}${new URL(created.data.createKey.revealUrl).pathname}`;

    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    const violations: string[] = [];
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`));
    });
    page.on('console', (message) => message.text().startsWith('CSP ') && violations.push(message.text()));
    try {
      const first = await page.goto(link);
      expect(first?.status()).toBe(200);
      expect(first?.headers()['content-security-policy']).toMatch(/^default-src 'self'/);
      expect(await page.locator('#key').count()).toBe(0);

      await Promise.all([page.waitForURL(link), page.click('#reveal')]);
      const key = (await page.locator('#key').textContent())!;
      expect(key).toMatch(/^kw_/);
      expect(key).toContain(created.data.createKey.apiKey.publicId);

      await page.click('#copy');
      await page.waitForFunction(() => (document.getElementById('status')?.textContent ?? '') !== '');
      expect(await page.locator('#status').textContent()).toBe('Copied to the clipboard.');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

      const again = await page.reload();
      expect(again?.status()).toBe(410);
      expect(await page.content()).not.toContain(key);
      const opened = await page.goto(link);
      expect(opened?.status()).toBe(410);
      expect(violations).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
