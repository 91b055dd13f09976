import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hashSecret } from '../../server/src/domain/secrets.ts';
import { createTestApp, listen, type Listening, type TestApp } from '../../server/test/harness/app.ts';
import { createTenant, type TestTenant } from '../../server/test/harness/fixtures.ts';

// A console under test: the server's own app on a real port (its test harness gives each file an
// isolated, migrated database), a tenant whose owner has a password, and Debian's Chromium.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** For describe.skipIf(!HAS_CHROMIUM)(`…${SKIP_REASON}`): says why and how to get it. */
export const SKIP_REASON = HAS_CHROMIUM ? '' : ` (skipped: Chromium not found at ${CHROMIUM}; apt-get install chromium, or set CHROMIUM_PATH)`;

export const PASSWORD = 'correct horse battery staple';
const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

export interface ConsoleUnderTest {
  t: TestApp;
  origin: string;
  tenant: TestTenant;
  browser: Browser;
  /** A fresh browser context (its own cookies) with the owner logged in on the keys page. */
  loggedIn(options?: { email?: string; password?: string }): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  /** A fresh context and page, not logged in; `problems` collects page errors and CSP violations. */
  newPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  close(): Promise<void>;
}

export async function startConsole(options: { env?: Record<string, string> } = {}): Promise<ConsoleUnderTest> {
  const t = await createTestApp({ env: options.env });
  const server: Listening = await listen(t.app);
  const origin = `http://127.0.0.1:${server.port}`;
  const tenant = await createTenant(t.app, 'Console Tenant');
  await setPassword(t, tenant.owner.id, PASSWORD);
  // The flags of the server's browser tests: no sandbox as root, no calls out.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`));
    });
    page.on('console', (message) => message.text().startsWith('CSP ') && problems.push(message.text()));
    return { context, page, problems };
  };
  return {
    t,
    origin,
    tenant,
    browser,
    newPage,
    async loggedIn({ email = tenant.owner.email, password = PASSWORD } = {}) {
      const opened = await newPage();
      await opened.page.goto(`${origin}/console/keys`);
      await logIn(opened.page, tenant.slug, email, password);
      await opened.page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      return opened;
    },
    async close() {
      await browser.close();
      await server.close();
      await t.close();
    },
  };
}

/** Fills the login form and submits it. */
export async function logIn(page: Page, tenant: string, email: string, password: string): Promise<void> {
  await page.getByLabel('Tenant').fill(tenant);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

export async function setPassword(t: TestApp, memberId: string, password: string): Promise<void> {
  await t.app.db.prisma.member.update({ where: { id: memberId }, data: { passwordHash: await hashSecret(password, t.app.config.argon2) } });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core's WCAG 2.1 A/AA checks on the page as it is now; the serious and critical violations.
 * (Evaluated through the DevTools protocol, which the page's CSP does not govern.)
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Writes a full-page screenshot to console/screenshots/<name>.png, for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = `${SCREENSHOTS}${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
