import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../server/src/domain/ids.ts';
import { generatePublicId } from '../../server/src/domain/keyFormat.ts';
import { createTenant } from '../../server/test/harness/fixtures.ts';
import { HAS_CHROMIUM, PASSWORD, SKIP_REASON, logIn, screenshot, seriousAccessibilityViolations, setPassword, startConsole, type ConsoleUnderTest } from './harness.ts';

// The keys list: search and filters kept in the URL, cursor pages of 50, selection and bulk
// actions behind confirmations, and only the API's answers (its refusals included).

let c: ConsoleUnderTest;
const DAY = 86_400_000;
const ids: Record<string, string> = {};

interface SeedKey {
  name: string;
  description?: string;
  ownerId?: string;
  groupId?: string | null;
  scopes?: string[];
  status?: 'ACTIVE' | 'DISABLED' | 'REVOKED';
  expiresAt?: Date | null;
  lastUsedAt?: Date | null;
}

/** Keys written straight to the database (their secrets are never used here). */
async function seedKeys(tenantId: string, ownerId: string, keys: SeedKey[]): Promise<{ id: string; publicId: string; name: string }[]> {
  const rows = keys.map((key) => ({
    id: newId('key'), tenantId, publicId: generatePublicId(), name: key.name, description: key.description ?? '', ownerId: key.ownerId ?? ownerId,
    groupId: key.groupId ?? null, scopes: key.scopes ?? ['tickets:read'], status: key.status ?? 'ACTIVE', expiresAt: key.expiresAt ?? null,
    lastUsedAt: key.lastUsedAt ?? null, revokedAt: key.status === 'REVOKED' ? new Date() : null,
    secretHash: 'not-a-hash', keyPrefix: 'kw', keyTail: 'AbCd',
  }));
  await c.t.app.db.prisma.apiKey.createMany({ data: rows });
  return rows.map(({ id, publicId, name }) => ({ id, publicId, name }));
}

const statusOf = async (id: string) => (await c.t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id } })).status;

/** The names in the table as shown now (after the list has settled). */
async function shownNames(page: Page): Promise<string[]> {
  await page.getByText('Loading keys…').waitFor({ state: 'hidden' });
  return page.locator('tbody tr td:nth-child(2) a').allTextContents();
}

async function openKeys(page: Page, query = ''): Promise<void> {
  await page.goto(`${c.origin}/console/keys${query}`);
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
  await page.getByText('Loading keys…').waitFor({ state: 'hidden' });
}

// Several pages and dialogs per test: room for a machine loaded by other work (no speed is asserted).
describe.skipIf(!HAS_CHROMIUM)(`The keys list${SKIP_REASON}`, { timeout: 300_000 }, () => {
  let paymentsPublicId = '';
  beforeAll(async () => {
    c = await startConsole();
    const prisma = c.t.app.db.prisma;
    const tenantId = c.tenant.id;
    const olive = await c.tenant.addMember('MEMBER', 'olive@example.test');
    await prisma.member.update({ where: { id: olive.id }, data: { name: 'Olive Owner' } });
    await prisma.member.update({ where: { id: c.tenant.owner.id }, data: { name: 'Tess Owner' } });
    ids.olive = olive.id;
    for (const name of ['Payments', 'Reporting']) {
      ids[name] = (await prisma.group.create({ data: { id: newId('grp'), tenantId, name, defaultScopes: [], scopeLimit: [] } })).id;
    }
    for (const name of ['tickets:read', 'billing:write']) await prisma.scope.create({ data: { id: newId('scp'), tenantId, name } });

    await seedKeys(tenantId, c.tenant.owner.id, Array.from({ length: 120 }, (_, i) => ({ name: `filler ${String(i).padStart(3, '0')}` })));
    const [payments] = await seedKeys(tenantId, c.tenant.owner.id, [
      { name: 'Payments webhook', description: 'charges the card', ownerId: olive.id, groupId: ids.Payments, scopes: ['billing:write'], expiresAt: new Date(Date.now() + 3 * DAY), lastUsedAt: new Date(Date.now() - DAY) },
      { name: 'Reporting export', groupId: ids.Reporting, status: 'DISABLED', expiresAt: new Date(Date.now() + 20 * DAY) },
      { name: 'Legacy importer', status: 'REVOKED' },
    ]);
    paymentsPublicId = payments!.publicId;

    // Another tenant, with keys, a group and a member of its own.
    const other = await createTenant(c.t.app, 'Other Tenant');
    ids.otherGroup = (await prisma.group.create({ data: { id: newId('grp'), tenantId: other.id, name: 'Payments', defaultScopes: [], scopeLimit: [] } })).id;
    await seedKeys(other.id, other.owner.id, [{ name: 'Payments elsewhere', groupId: ids.otherGroup }, { name: 'filler of the other tenant' }]);
  });
  afterAll(async () => {
    await c?.close();
  });

  it('shows the first 50 keys with their masked key, group, owner, status, expiry and last use; Next and Previous walk 120 keys by cursor, in the URL', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await page.getByText('Loading keys…').waitFor({ state: 'hidden' });
      expect(await page.locator('tbody tr').count()).toBe(50);

      await openKeys(page, '?search=Payments');
      const row = page.getByRole('row', { name: /Payments webhook/ });
      const cells = await row.getByRole('cell').allTextContents();
      expect(cells[1]).toBe('Payments webhook');
      expect(cells[2]).toContain('kw_');
      expect(cells[2]).toContain('AbCd');
      expect(cells[2]).toContain(paymentsPublicId);
      expect(cells.slice(3, 6)).toEqual(['Payments', 'Olive Owner', 'Active']);
      expect(cells[6]).not.toBe('Never');
      expect(cells[7]).not.toBe('Never');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      // 120 fillers: 50, 50, 20, and back.
      await openKeys(page, '?search=filler');
      const seen = new Set<string>();
      const first = await shownNames(page);
      expect(first).toHaveLength(50);
      await page.getByRole('button', { name: 'Next' }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('after')).toBeTruthy();
      const second = await shownNames(page);
      expect(second).toHaveLength(50);
      await page.getByRole('button', { name: 'Next' }).click();
      await expect.poll(async () => (await shownNames(page)).length).toBe(20);
      const third = await shownNames(page);
      for (const name of [...first, ...second, ...third]) seen.add(name);
      expect(seen.size).toBe(120);
      expect([...seen].every((name) => name.startsWith('filler '))).toBe(true);
      expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
      expect(new URL(page.url()).searchParams.get('search')).toBe('filler');

      // A reload keeps the page and the search.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      await expect.poll(() => shownNames(page)).toEqual(third);
      expect(await page.getByLabel('Search', { exact: true }).inputValue()).toBe('filler');

      await page.getByRole('button', { name: 'Previous' }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('before')).toBeTruthy();
      await expect.poll(() => shownNames(page)).toEqual(second);
      await page.getByRole('button', { name: 'Previous' }).click();
      await expect.poll(() => shownNames(page)).toEqual(first);
      expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);

      await openKeys(page);
      await screenshot(page, 'keys');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('searches name, description and public id; the search is in the URL and survives a reload', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await page.getByLabel('Search', { exact: true }).fill('CHARGES THE');
      await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe('CHARGES THE');
      await expect.poll(() => shownNames(page)).toEqual(['Payments webhook']);

      await page.getByLabel('Search', { exact: true }).fill(paymentsPublicId.slice(0, 14));
      await page.getByLabel('Search', { exact: true }).press('Enter');
      await expect.poll(() => shownNames(page)).toEqual(['Payments webhook']);

      await page.getByLabel('Search', { exact: true }).fill('reporting exp');
      await expect.poll(() => shownNames(page)).toEqual(['Reporting export']);
      await page.reload();
      await expect.poll(() => shownNames(page)).toEqual(['Reporting export']);

      await page.getByLabel('Search', { exact: true }).fill('no such key anywhere');
      await page.getByText('No keys match this search and these filters.').waitFor();
      await page.getByRole('button', { name: 'Clear filters' }).first().click();
      await expect.poll(() => page.url()).toBe(`${c.origin}/console/keys`);
      await expect.poll(async () => (await shownNames(page)).length).toBe(50);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('filters by status, group, owner, expiring soon and scope, each kept in the URL', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      const choose = async (label: string, option: string, param: string) => {
        await page.getByLabel(label, { exact: true }).selectOption({ label: option });
        await expect.poll(() => new URL(page.url()).searchParams.get(param)).toBeTruthy();
      };
      await choose('Status', 'Revoked', 'status');
      await expect.poll(() => shownNames(page)).toEqual(['Legacy importer']);
      await choose('Status', 'Disabled', 'status');
      await expect.poll(() => shownNames(page)).toEqual(['Reporting export']);
      await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Any status' });

      await choose('Group', 'Payments', 'group');
      await expect.poll(() => shownNames(page)).toEqual(['Payments webhook']);
      expect(new URL(page.url()).searchParams.get('group')).toBe(ids.Payments);
      await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Any group' });

      await choose('Owner', 'Olive Owner (olive@example.test)', 'owner');
      await expect.poll(() => shownNames(page)).toEqual(['Payments webhook']);
      await page.getByLabel('Owner', { exact: true }).selectOption({ label: 'Any owner' });

      await choose('Expires', 'Within 7 days (or expired)', 'expiring');
      await expect.poll(() => shownNames(page)).toEqual(['Payments webhook']);
      await choose('Expires', 'Within 30 days (or expired)', 'expiring');
      await expect.poll(async () => (await shownNames(page)).sort()).toEqual(['Payments webhook', 'Reporting export']);

      // Filters combine, and the combination is a link.
      await choose('Scope', 'billing:write', 'scope');
      await expect.poll(() => shownNames(page)).toEqual(['Payments webhook']);
      const link = page.url();
      const other = await c.loggedIn();
      try {
        await other.page.goto(link);
        await expect.poll(() => shownNames(other.page)).toEqual(['Payments webhook']);
        expect(await other.page.getByLabel('Scope', { exact: true }).inputValue()).toBe('billing:write');
        expect(await other.page.getByLabel('Expires', { exact: true }).inputValue()).toBe('30');
      } finally {
        await other.context.close();
      }

      // A filter value the API refuses is shown in its words, and nothing is listed.
      await openKeys(page, '?group=not-a-group-id');
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/groupId/);
      expect(await page.locator('tbody tr').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('disables the selected keys behind a confirmation that names them; the list refreshes and says what did not change', async () => {
    const keys = await seedKeys(c.tenant.id, c.tenant.owner.id, [{ name: 'target alpha' }, { name: 'target beta' }, { name: 'target gamma', status: 'DISABLED' }]);
    const { context, page, problems } = await c.loggedIn();
    try {
      await openKeys(page, '?search=target');
      await page.getByLabel('Select every key on this page').check();
      await page.getByText('3 keys selected').waitFor();
      await page.getByRole('button', { name: 'Disable…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Disable 3 keys?' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toMatch(/These 3 keys will be refused until someone enables them again/);
      expect((await dialog.getByRole('listitem').allTextContents()).sort()).toEqual(['target alpha', 'target beta', 'target gamma']);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      // Cancel changes nothing.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await statusOf(keys[0]!.id)).toBe('ACTIVE');

      await page.getByRole('button', { name: 'Disable…' }).click();
      await dialog.getByRole('button', { name: 'Disable 3 keys' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const notice = page.getByRole('status').filter({ hasText: 'Disabled 2 keys.' });
      await notice.waitFor();
      expect(await notice.textContent()).toContain('target gamma: it was already disabled');
      for (const key of keys) expect(await statusOf(key.id)).toBe('DISABLED');
      await expect.poll(async () => page.locator('tbody .status').allTextContents()).toEqual(['Disabled', 'Disabled', 'Disabled']);
      await page.getByText('No keys selected').waitFor();

      // Enabling a selection that holds a revoked key: the API refuses it all, naming the key.
      await seedKeys(c.tenant.id, c.tenant.owner.id, [{ name: 'target revoked', status: 'REVOKED' }]);
      await page.reload();
      await page.getByLabel('Select every key on this page').check();
      await page.getByRole('button', { name: 'Enable…' }).click();
      const enable = page.getByRole('dialog', { name: 'Enable 4 keys?' });
      await enable.getByRole('button', { name: 'Enable 4 keys' }).click();
      await expect.poll(() => enable.getByRole('alert').textContent()).toMatch(/Revoked keys cannot be enabled/);
      expect(await enable.textContent()).toMatch(/The API refused because of this key:\s*target revoked/);
      for (const key of keys) expect(await statusOf(key.id)).toBe('DISABLED');
      await enable.getByRole('button', { name: 'Cancel' }).click();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('revokes the selected keys only with a reason (the API asks for one), then deletes one key', async () => {
    const keys = await seedKeys(c.tenant.id, c.tenant.owner.id, [{ name: 'revoke me one' }, { name: 'revoke me two' }]);
    const { context, page, problems } = await c.loggedIn();
    try {
      await openKeys(page, '?search=revoke%20me');
      await page.getByLabel('Select revoke me one').check();
      await page.getByLabel('Select revoke me two').check();
      await page.getByRole('button', { name: 'Revoke…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke 2 keys for good?' });
      expect(await dialog.textContent()).toMatch(/These 2 keys stop working at once and can never be enabled, rotated or changed again/);
      await dialog.getByRole('button', { name: 'Revoke 2 keys' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/reason.*required to revoke/i);
      for (const key of keys) expect(await statusOf(key.id)).toBe('ACTIVE');

      await dialog.getByLabel('Reason (kept in the audit trail)').fill('left in a public repository');
      await dialog.getByRole('button', { name: 'Revoke 2 keys' }).click();
      await page.getByRole('status').filter({ hasText: 'Revoked 2 keys.' }).waitFor();
      for (const key of keys) expect(await statusOf(key.id)).toBe('REVOKED');
      await expect.poll(() => page.locator('tbody .status').allTextContents()).toEqual(['Revoked', 'Revoked']);

      await page.getByLabel('Select revoke me one').check();
      await page.getByRole('button', { name: 'Delete…' }).click();
      const remove = page.getByRole('dialog', { name: 'Delete 1 key?' });
      expect(await remove.textContent()).toMatch(/This key is removed with its IP rules and access tokens.*This cannot be undone/);
      await remove.getByRole('button', { name: 'Delete 1 key' }).click();
      await page.getByRole('status').filter({ hasText: 'Deleted 1 key.' }).waitFor();
      await expect.poll(() => shownNames(page)).toEqual(['revoke me two']);
      expect(await c.t.app.db.prisma.apiKey.findUnique({ where: { id: keys[0]!.id } })).toBeNull();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a member without keys:write gets no write buttons; one whose role is taken away meanwhile sees the API refuse, and nothing changes', async () => {
    const viewer = await c.tenant.addMember('VIEWER', 'viewer@example.test');
    await setPassword(c.t, viewer.id, PASSWORD);
    const seen = await c.loggedIn({ email: 'viewer@example.test' });
    try {
      await seen.page.getByText('Loading keys…').waitFor({ state: 'hidden' });
      expect(await seen.page.locator('tbody tr').count()).toBe(50);
      expect(await seen.page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
      expect(await seen.page.getByRole('group', { name: 'Bulk actions on the selected keys' }).count()).toBe(0);
      expect(await seen.page.getByRole('checkbox').count()).toBe(0);
    } finally {
      await seen.context.close();
    }

    const [key] = await seedKeys(c.tenant.id, c.tenant.owner.id, [{ name: 'guarded key' }]);
    const admin = await c.tenant.addMember('ADMIN', 'admin@example.test');
    await setPassword(c.t, admin.id, PASSWORD);
    const { context, page, problems } = await c.loggedIn({ email: 'admin@example.test' });
    try {
      await openKeys(page, '?search=guarded');
      await page.getByLabel('Select guarded key').check();
      // The owner makes the admin a viewer while the page is open.
      const changed = await c.t.graphql('mutation($input: UpdateMemberInput!) { updateMember(input: $input) { __typename } }', { input: { id: admin.id, roleId: c.tenant.roles.VIEWER } }, { token: c.tenant.owner.token });
      expect(changed.data?.updateMember.__typename).toBe('MemberPayload');
      await page.getByRole('button', { name: 'Disable…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Disable 1 key?' });
      await dialog.getByRole('button', { name: 'Disable 1 key' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/You are not allowed to do this\. It needs keys:write/);
      expect(await statusOf(key!.id)).toBe('ACTIVE');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("never shows another tenant's keys; another tenant's group in the URL is not found", async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await openKeys(page, '?search=elsewhere');
      await page.getByText('No keys match this search and these filters.').waitFor();
      await openKeys(page, '?search=other%20tenant');
      expect(await page.locator('tbody tr').count()).toBe(0);
      await openKeys(page, `?group=${ids.otherGroup}`);
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/It does not exist, or it was deleted/);
      expect(await page.locator('tbody tr').count()).toBe(0);
      expect(await page.getByRole('option', { name: 'Payments' }).count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says so when a tenant has no keys yet, and offers to create the first', async () => {
    const empty = await createTenant(c.t.app, 'Empty Tenant');
    await setPassword(c.t, empty.owner.id, PASSWORD);
    const { context, page, problems } = await c.newPage();
    try {
      await page.goto(`${c.origin}/console/keys`);
      await logIn(page, empty.slug, empty.owner.email, PASSWORD);
      await page.getByText('This tenant has no API keys yet.').waitFor();
      await page.getByRole('button', { name: 'Create the first key' }).click();
      await page.getByRole('dialog').waitFor();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
