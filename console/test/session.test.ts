import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, PASSWORD, SKIP_REASON, logIn, screenshot, seriousAccessibilityViolations, startConsole, type ConsoleUnderTest } from './harness.ts';

// The console's shell: served by the server under its CSP, logging in with email and password
// keeps the session in an HttpOnly cookie (never in the page's storage), and logging out ends it.

let c: ConsoleUnderTest;

describe.skipIf(!HAS_CHROMIUM)(`The console's login${SKIP_REASON}`, () => {
  beforeAll(async () => {
    c = await startConsole();
  });
  afterAll(async () => {
    await c?.close();
  });

  it('serves the app at /console under a self-only CSP, with index.html for any page path and 404 for a missing asset', async () => {
    for (const path of ['/console', '/console/', '/console/keys', '/console/keys/key_123']) {
      const response = await fetch(`${c.origin}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self'/);
      expect(await response.text()).toContain('<div id="root">');
    }
    const missing = await fetch(`${c.origin}/console/assets/nope-123.js`);
    expect(missing.status).toBe(404);
    const post = await fetch(`${c.origin}/console/keys`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('logs in with email and password; the session is an HttpOnly SameSite=Strict cookie, not in the page storage', async () => {
    const { context, page, problems } = await c.newPage();
    try {
      await page.goto(`${c.origin}/console/`);
      await page.getByRole('form', { name: 'Log in' }).waitFor();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'login');
      await logIn(page, c.tenant.slug, c.tenant.owner.email, PASSWORD);
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      expect(page.url()).toBe(`${c.origin}/console/keys`);

      const cookies = await context.cookies(c.origin);
      const session = cookies.find((cookie) => cookie.name === 'kw_console');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(session!.value).toMatch(/^kws_/);
      const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
      expect(stored).not.toContain(session!.value);
      expect(stored).not.toContain('kws_');

      // A reload keeps the session.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says why a login fails, in words, and keeps the form', async () => {
    const { context, page } = await c.newPage();
    try {
      await page.goto(`${c.origin}/console/keys`);
      await logIn(page, c.tenant.slug, c.tenant.owner.email, 'not the password at all');
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/log in again|Invalid tenant, email or password/);
      expect(await page.getByRole('form', { name: 'Log in' }).isVisible()).toBe(true);
      expect(await context.cookies(c.origin)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('logs out: the session ends on the server and the cookie is cleared', async () => {
    const { context, page } = await c.loggedIn();
    try {
      const token = (await context.cookies(c.origin)).find((cookie) => cookie.name === 'kw_console')!.value;
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('form', { name: 'Log in' }).waitFor();
      expect((await context.cookies(c.origin)).find((cookie) => cookie.name === 'kw_console')).toBeUndefined();
      // The token no longer works anywhere.
      const after = await c.t.graphql('{ viewer { kind } }', {}, { token });
      expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await context.close();
    }
  });

  it('takes the cookie as a credential only with the X-Keywarden-Console header (no cross-site form can send it)', async () => {
    const { context } = await c.loggedIn();
    try {
      const token = (await context.cookies(c.origin)).find((cookie) => cookie.name === 'kw_console')!.value;
      const ask = (headers: Record<string, string>) =>
        fetch(`${c.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `kw_console=${token}`, ...headers }, body: JSON.stringify({ query: '{ viewer { kind } }' }) }).then((r) => r.json());
      expect((await ask({})).data.viewer.kind).toBe('ANONYMOUS');
      expect((await ask({ 'x-keywarden-console': '1' })).data.viewer.kind).toBe('MEMBER');
      // Only a session token is accepted from the cookie; a platform or API key text is refused.
      const forged = await fetch(`${c.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'kw_console=kwp_forged', 'x-keywarden-console': '1' }, body: JSON.stringify({ query: '{ viewer { kind } }' }) });
      expect(forged.status).toBe(400);
      // The cookie route wants a live session token, with the header.
      expect((await fetch(`${c.origin}/console/session`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(400);
      expect((await fetch(`${c.origin}/console/session`, { method: 'POST', headers: { authorization: 'Bearer kws_nope', 'x-keywarden-console': '1' } })).status).toBe(401);
      expect((await fetch(`${c.origin}/console/session`, { method: 'POST', headers: { 'x-keywarden-console': '1' } })).status).toBe(401);
    } finally {
      await context.close();
    }
  });
});
