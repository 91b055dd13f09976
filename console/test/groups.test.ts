import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../server/test/harness/fixtures.ts';
import { createTestKey } from '../../server/test/harness/keys.ts';
import { HAS_CHROMIUM, SKIP_REASON, screenshot, seriousAccessibilityViolations, startConsole, type ConsoleUnderTest } from './harness.ts';
import { changeRole, memberLoggedIn, openPage } from './orgPages.ts';

// The key groups page: create, edit and delete through the UI, each checked against the API; the
// API's words for bad input with nothing changed; deleting a group that holds keys says what happens
// to them (moved or revoked, as the API requires); the key count links to the keys list.

let c: ConsoleUnderTest;

const GROUPS = '{ groups(first: 100) { edges { node { id name description keyCount defaultScopes limitsScopes scopeLimit defaultExpirySeconds tokenTtlSeconds ipRules { action cidr description } } } } }';
const groupsNow = async () => (await c.t.graphql(GROUPS, {}, { token: c.tenant.owner.token })).data.groups.edges.map((e: any) => e.node);

async function apiGroup(name: string): Promise<string> {
  const result = await c.t.graphql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { ... on GroupPayload { group { id } } } }', { input: { name } }, { token: c.tenant.owner.token });
  return result.data.createGroup.group.id;
}

describe.skipIf(!HAS_CHROMIUM)(`The key groups page${SKIP_REASON}`, () => {
  beforeAll(async () => {
    c = await startConsole();
    for (const name of ['orders:read', 'orders:write']) {
      await c.t.graphql('mutation($input: CreateScopeInput!) { createScope(input: $input) { __typename } }', { input: { name } }, { token: c.tenant.owner.token });
    }
  });
  afterAll(async () => {
    await c?.close();
  });

  it('creates a group with its scopes, lifetimes and IP rules, links its keys, and edits it', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await openPage(c, page, '/groups', 'Key groups');
      await page.getByText('No groups yet.').waitFor();
      await page.getByRole('button', { name: 'New group' }).click();
      const dialog = page.getByRole('dialog', { name: 'New key group' });
      await dialog.getByLabel('Name').fill('Partners');
      await dialog.getByLabel('Description').fill('Keys of our resellers');
      await dialog.getByRole('group', { name: /^Default scopes/ }).getByLabel('orders:read').check();
      await dialog.getByLabel(/Limit the scopes of the group's keys/).check();
      const limit = dialog.getByRole('group', { name: 'Scope limit' });
      await limit.getByLabel('orders:read').check();
      await limit.getByLabel('orders:write').check();
      await dialog.getByLabel('Default key lifetime', { exact: true }).fill('30');
      await dialog.getByLabel('Access token lifetime', { exact: true }).fill('1');
      await dialog.getByLabel('Access token lifetime: unit').selectOption('hours');
      await dialog.getByRole('button', { name: 'Add an IP rule' }).click();
      await dialog.getByLabel('Address or CIDR 1').fill('10.0.0.0/8');
      await dialog.getByLabel('Note 1').fill('VPN');
      await dialog.getByRole('button', { name: 'Add an IP rule' }).click();
      await dialog.getByLabel('Address or CIDR 2').fill('10.9.9.9');
      await dialog.getByRole('combobox', { name: /^Rule 2/ }).selectOption('DENY');
      await dialog.getByRole('button', { name: 'Create group' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const table = page.getByRole('table', { name: 'Key groups' });
      await table.getByText('Partners').waitFor();
      const [group] = await groupsNow();
      expect(group).toMatchObject({
        name: 'Partners', description: 'Keys of our resellers', keyCount: 0, defaultScopes: ['orders:read'], limitsScopes: true,
        scopeLimit: ['orders:read', 'orders:write'], defaultExpirySeconds: 30 * 86400, tokenTtlSeconds: 3600,
        ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8', description: 'VPN' }, { action: 'DENY', cidr: '10.9.9.9/32', description: '' }],
      });

      // Its keys: the count links to the keys list filtered by the group.
      await createTestKey(c.t.app, c.tenant.id, { ownerId: c.tenant.owner.id, groupId: group.id });
      await page.reload();
      const keysLink = page.getByRole('link', { name: '1 key in Partners' });
      expect(await keysLink.getAttribute('href')).toBe(`/console/keys?group=${group.id}`);
      expect(await keysLink.textContent()).toBe('1 key');

      await page.getByRole('button', { name: 'Edit Partners' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit the group Partners' });
      expect(await edit.getByLabel('Default key lifetime', { exact: true }).inputValue()).toBe('30');
      await edit.getByLabel('Name').fill('Partner APIs');
      await edit.getByLabel('Access token lifetime', { exact: true }).fill('');
      await edit.getByRole('button', { name: 'Remove IP rule 2' }).click();
      await edit.getByRole('group', { name: /^Default scopes/ }).getByLabel('orders:write').check();
      await edit.getByRole('button', { name: 'Save group' }).click();
      await edit.waitFor({ state: 'hidden' });
      await table.getByText('Partner APIs').waitFor();
      expect((await groupsNow())[0]).toMatchObject({
        name: 'Partner APIs', defaultScopes: ['orders:read', 'orders:write'], tokenTtlSeconds: null, defaultExpirySeconds: 30 * 86400,
        ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8', description: 'VPN' }],
      });

      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'groups');
      await page.getByRole('link', { name: '1 key in Partner APIs' }).click();
      await expect.poll(() => page.url()).toBe(`${c.origin}/console/keys?group=${group.id}`);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    // One flow through two dialogs and a reload: on a loaded machine it takes longer than most.
  }, 240_000);

  it("answers a taken name, a bad CIDR and a too short lifetime in the API's words, changing nothing", async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      const before = await groupsNow();
      await openPage(c, page, '/groups', 'Key groups');
      await page.getByRole('button', { name: 'New group' }).click();
      const dialog = page.getByRole('dialog', { name: 'New key group' });
      await dialog.getByLabel('Name').fill('Partner APIs');
      await dialog.getByRole('button', { name: 'Create group' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('A group named "Partner APIs" already exists');

      await dialog.getByLabel('Name').fill('Internal');
      await dialog.getByLabel('Default key lifetime', { exact: true }).fill('10');
      await dialog.getByLabel('Default key lifetime: unit').selectOption('seconds');
      await dialog.getByRole('button', { name: 'Add an IP rule' }).click();
      await dialog.getByLabel('Address or CIDR 1').fill('300.1.1.1');
      await dialog.getByRole('button', { name: 'Create group' }).click();
      await expect.poll(() => dialog.textContent()).toContain('"300.1.1.1" is not a valid IP address or CIDR');
      expect(await dialog.textContent()).toContain('must be at least 60 seconds');
      expect(await dialog.getByLabel('Default key lifetime', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await groupsNow()).toEqual(before);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('deletes a group: an empty one at once; one with keys only after moving or revoking them, as the dialog says', async () => {
    const empty = await apiGroup('Empty');
    const from = await apiGroup('Old customers');
    const to = await apiGroup('Customers');
    const moved = await createTestKey(c.t.app, c.tenant.id, { ownerId: c.tenant.owner.id, groupId: from });
    const { context, page, problems } = await c.loggedIn();
    try {
      await openPage(c, page, '/groups', 'Key groups');
      const table = page.getByRole('table', { name: 'Key groups' });
      await page.getByRole('button', { name: 'Delete Empty' }).click();
      let dialog = page.getByRole('dialog', { name: 'Delete the group Empty?' });
      expect(await dialog.textContent()).toContain('The group holds no keys');
      await dialog.getByRole('button', { name: 'Delete group' }).click();
      await table.getByText('Empty', { exact: true }).waitFor({ state: 'detached' });
      expect((await groupsNow()).some((g: { id: string }) => g.id === empty)).toBe(false);

      await page.getByRole('button', { name: 'Delete Old customers' }).click();
      dialog = page.getByRole('dialog', { name: 'Delete the group Old customers?' });
      expect(await dialog.textContent()).toContain('The group holds 1 key');
      await dialog.getByLabel('Move to').selectOption({ label: 'Customers' });
      await dialog.getByRole('button', { name: 'Move 1 key and delete' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await c.t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: moved.id } })).groupId).toBe(to);

      await page.getByRole('button', { name: 'Delete Customers' }).click();
      dialog = page.getByRole('dialog', { name: 'Delete the group Customers?' });
      await dialog.getByLabel(/Revoke them/).check();
      await dialog.getByLabel('Reason for revoking (optional)').fill('Customer programme ended');
      await dialog.getByRole('button', { name: 'Revoke 1 key and delete' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const key = await c.t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: moved.id } });
      expect(key).toMatchObject({ status: 'REVOKED', groupId: null });
      expect((await groupsNow()).map((g: { name: string }) => g.name)).toEqual(['Partner APIs']);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("a member without groups:write has no buttons; a role lost while the page is open meets the API's refusal", async () => {
    const reader = await memberLoggedIn(c, 'MEMBER');
    try {
      await openPage(c, reader.page, '/groups', 'Key groups');
      await reader.page.getByText('Your role does not hold groups:write').waitFor();
      await reader.page.getByText('Partner APIs').waitFor();
      expect(await reader.page.getByRole('button', { name: /^(New group|Edit |Delete )/ }).count()).toBe(0);
    } finally {
      await reader.context.close();
    }

    const second = await memberLoggedIn(c, 'ADMIN');
    try {
      const before = await groupsNow();
      await openPage(c, second.page, '/groups', 'Key groups');
      await changeRole(c, second.member.id, 'VIEWER');
      await second.page.getByRole('button', { name: 'Edit Partner APIs' }).click();
      const edit = second.page.getByRole('dialog', { name: 'Edit the group Partner APIs' });
      await edit.getByLabel('Description').fill('changed by someone who may not');
      await edit.getByRole('button', { name: 'Save group' }).click();
      await expect.poll(() => edit.getByRole('alert').textContent()).toMatch(/You are not allowed to do this\. It needs groups:write/);
      expect(await groupsNow()).toEqual(before);
      expect(second.problems).toEqual([]);
    } finally {
      await second.context.close();
    }
  });

  it("never shows another tenant's groups", async () => {
    const other = await createTenant(c.t.app, 'Other');
    await c.t.graphql('mutation { createGroup(input: { name: "Their secret group", description: "not yours" }) { __typename } }', {}, { token: other.owner.token });
    const { context, page } = await c.loggedIn();
    try {
      await openPage(c, page, '/groups', 'Key groups');
      await page.getByText('Partner APIs').waitFor();
      const text = await page.locator('main').textContent();
      expect(text).not.toContain('Their secret group');
      expect(text).not.toContain('not yours');
    } finally {
      await context.close();
    }
  });
});
