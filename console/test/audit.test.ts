import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type TestTenant } from '../../server/test/harness/fixtures.ts';
import { HAS_CHROMIUM, PASSWORD, SKIP_REASON, logIn, screenshot, seriousAccessibilityViolations, setPassword, startConsole, type ConsoleUnderTest } from './harness.ts';

// The audit page: the trail newest first with the URL's filters, live events from the
// subscription at the top, an NDJSON export of the filtered events; never another tenant's events,
// never a secret.

let c: ConsoleUnderTest;
let other: TestTenant;
/** Every key text made in this file: none may appear in the page or an export. */
const secrets: string[] = [];

const ERRORS = '__typename ... on Error { code message }';

async function createKey(name: string, token = c.tenant.owner.token): Promise<{ id: string; text: string }> {
  const response = await c.t.graphql(`mutation($input: CreateKeyInput!) { createKey(input: $input) { ${ERRORS} ... on CreateKeyPayload { key apiKey { id } } } }`, { input: { name } }, { token });
  const result = (response.data as any).createKey;
  expect(result.__typename, response.body).toBe('CreateKeyPayload');
  secrets.push(result.key);
  return { id: result.apiKey.id, text: result.key };
}

async function openAudit(page: Page, query = ''): Promise<void> {
  await page.goto(`${c.origin}/console/audit${query}`);
  await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
  await page.getByText('Live: new events appear at the top.').waitFor();
}

async function expectNoSecrets(text: string): Promise<void> {
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/kws_|\$argon2/);
}

describe.skipIf(!HAS_CHROMIUM)(`The audit page${SKIP_REASON}`, () => {
  beforeAll(async () => {
    c = await startConsole();
    other = await createTenant(c.t.app, 'Other Tenant');
    await createKey('first key');
    const group = await c.t.graphql(`mutation { createGroup(input: { name: "payments" }) { ${ERRORS} } }`, {}, { token: c.tenant.owner.token });
    expect((group.data as any).createGroup.__typename).toBe('GroupPayload');
    await createKey('theirs', other.owner.token);
  });
  afterAll(async () => {
    await c?.close();
  });

  it("lists the tenant's events newest first, each in words; never another tenant's; no secrets anywhere in the trail", async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await openAudit(page);
      const rows = page.locator('.audit-table tbody tr');
      const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-event-id')));
      const stored = await c.t.app.db.prisma.auditEvent.findMany({ where: { tenantId: c.tenant.id }, orderBy: { seq: 'desc' } });
      expect(ids).toEqual(stored.map((event) => event.id));
      const groupRow = await rows.filter({ hasText: 'group.created' }).textContent();
      expect(groupRow).toContain('group created');
      expect(groupRow).toContain('you');
      expect(groupRow).toContain('payments');
      const body = await page.locator('body').innerText();
      const theirs = await c.t.app.db.prisma.auditEvent.findMany({ where: { tenantId: other.id } });
      expect(theirs.length).toBeGreaterThan(0);
      for (const event of theirs) expect(await page.locator(`[data-event-id="${event.id}"]`).count()).toBe(0);
      expect(body).not.toContain('theirs');
      // Secrets are never in audit events, so never on this page.
      await expectNoSecrets(JSON.stringify(await c.t.app.db.prisma.auditEvent.findMany()));
      await expectNoSecrets(body);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'audit');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('filters narrow the trail and stay in the URL; another tenant’s actor finds nothing', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await openAudit(page);
      await page.getByLabel('Action').fill('group.');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(() => page.url()).toBe(`${c.origin}/console/audit?action=group.`);
      await expect.poll(() => page.locator('.audit-table tbody tr').count()).toBe(1);
      expect(await page.locator('.audit-table tbody tr').first().textContent()).toContain('group.created');

      await openAudit(page, `?action=key.created&actorType=MEMBER&actor=${c.tenant.owner.id}`);
      expect(await page.getByLabel('Action').inputValue()).toBe('key.created');
      expect(await page.getByLabel('Actor type').inputValue()).toBe('MEMBER');
      const texts = await page.locator('.audit-table tbody tr').allTextContents();
      const stored = await c.t.app.db.prisma.auditEvent.count({ where: { tenantId: c.tenant.id, action: 'key.created' } });
      expect(texts).toHaveLength(stored);
      expect(texts.every((text) => text.includes('key.created'))).toBe(true);

      await openAudit(page, `?actor=${other.owner.id}`);
      await page.getByText('No events match these filters.').waitFor();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a key created through the API while the page is open appears live at the top, once, announced; after the stream drops it reconnects', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      // The first subscription request fails as a dropped connection would; the page reconnects.
      let dropped = 0;
      await page.route('**/graphql', async (route) => {
        if (dropped === 0 && (route.request().postData() ?? '').includes('subscription AuditLive')) {
          dropped++;
          return route.abort('connectionreset');
        }
        return route.continue();
      });
      await page.goto(`${c.origin}/console/audit`);
      await page.getByText('Live: new events appear at the top.').waitFor();
      expect(dropped).toBe(1);
      const before = await page.locator('.audit-table tbody tr').count();

      await createKey('made while watching', other.owner.token);
      const mine = await createKey('made while watching');
      const row = page.locator('.audit-table tbody tr').first();
      await expect.poll(() => row.textContent()).toContain(mine.id);
      expect(await row.textContent()).toContain('key created');
      expect(await row.locator('.audit-badge').count()).toBe(1);
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'New event' }).textContent()).toContain(`New event: key created by you on ApiKey ${mine.id}.`);
      // Exactly one more row: the other tenant's key never came, nothing twice.
      expect(await page.locator('.audit-table tbody tr').count()).toBe(before + 1);
      const event = await c.t.app.db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: c.tenant.id, targetId: mine.id } });
      expect(await page.locator(`[data-event-id="${event.id}"]`).count()).toBe(1);
      await expectNoSecrets(await page.locator('body').innerText());

      // A live event outside the filter is not shown.
      await openAudit(page, '?action=group.');
      await createKey('filtered out');
      const group = await c.t.graphql(`mutation { createGroup(input: { name: "live group" }) { ${ERRORS} ... on GroupPayload { group { id } } } }`, {}, { token: c.tenant.owner.token });
      const groupId = (group.data as any).createGroup.group.id;
      await expect.poll(() => page.locator('.audit-table tbody tr').first().textContent()).toContain(groupId);
      expect((await page.locator('.audit-table tbody tr').allTextContents()).some((text) => text.includes('key.created'))).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('exports the filtered events as NDJSON, through fetch with the console header; no secrets in it', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await openAudit(page, '?action=key.created');
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export these events (NDJSON)' }).click();
      const file = await (await download).path();
      const text = readFileSync(file, 'utf8');
      const lines = text.trim().split('\n').map((line) => JSON.parse(line));
      const stored = await c.t.app.db.prisma.auditEvent.findMany({ where: { tenantId: c.tenant.id, action: 'key.created' }, orderBy: { seq: 'asc' } });
      expect(lines.map((event) => event.id)).toEqual(stored.map((event) => event.id));
      expect(lines.every((event) => event.tenantId === c.tenant.id && event.action === 'key.created' && typeof event.hash === 'string')).toBe(true);
      await expectNoSecrets(text);
      await page.getByText(`Exported ${stored.length} events.`).waitFor();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("a member whose role lacks audit:read sees the API's refusal in words, for the trail and the export", async () => {
    const member = await c.tenant.addMember('MEMBER', 'member@example.test');
    await setPassword(c.t, member.id, PASSWORD);
    const { context, page, problems } = await c.newPage();
    try {
      await page.goto(`${c.origin}/console/audit`);
      await logIn(page, c.tenant.slug, member.email, PASSWORD);
      await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
      await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/You are not allowed to do this\. It needs audit:read/);
      expect(await page.locator('.audit-table').count()).toBe(0);
      await page.getByText('Live updates are off.').waitFor();
      await page.getByRole('button', { name: 'Export these events (NDJSON)' }).click();
      await expect.poll(() => page.locator('.audit-export [role="alert"]').textContent()).toMatch(/You are not allowed to do this\. It needs audit:read/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
