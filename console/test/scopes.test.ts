import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../server/test/harness/fixtures.ts';
import { createTestKey } from '../../server/test/harness/keys.ts';
import { HAS_CHROMIUM, SKIP_REASON, screenshot, seriousAccessibilityViolations, startConsole, type ConsoleUnderTest } from './harness.ts';
import { changeRole, memberLoggedIn, openPage } from './orgPages.ts';

// The scope catalogue page: create, edit (the description: the name is what keys refer to) and
// delete through the UI, checked against the API; the API's words for a bad name; a scope in use is
// deleted only with "also remove it from…"; the management scopes shown for reference.

let c: ConsoleUnderTest;

const catalogue = async (token = c.tenant.owner.token) =>
  (await c.t.graphql('{ scopes(first: 100) { edges { node { name description } } } }', {}, { token })).data.scopes.edges.map((e: any) => e.node);

/** What the API answers for this name, to compare the page's words with. */
async function apiWordsFor(name: string): Promise<string> {
  const result = await c.t.graphql(
    'mutation($input: CreateScopeInput!) { createScope(input: $input) { __typename ... on ValidationError { fieldErrors { message } } ... on ConflictError { message } } }',
    { input: { name } },
    { token: c.tenant.owner.token },
  );
  const answer = result.data.createScope;
  return answer.fieldErrors?.[0]?.message ?? answer.message;
}

describe.skipIf(!HAS_CHROMIUM)(`The scope catalogue page${SKIP_REASON}`, () => {
  beforeAll(async () => {
    c = await startConsole();
  });
  afterAll(async () => {
    await c?.close();
  });

  it('adds a scope and edits its description; the management scopes are listed read-only', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await openPage(c, page, '/scopes', 'Scopes');
      await page.getByText('The catalogue is empty').waitFor();
      const add = page.getByRole('form', { name: 'Add a scope' });
      for (const [name, description] of [['invoices:read', 'Read invoices'], ['invoices:write', 'Create and void invoices'], ['reports:export', '']]) {
        await add.getByLabel('Name').fill(name!);
        await add.getByLabel('Description').fill(description!);
        await add.getByRole('button', { name: 'Add scope' }).click();
        await page.getByRole('table', { name: 'Your scopes' }).getByRole('cell', { name, exact: true }).waitFor();
      }
      expect(await catalogue()).toEqual([
        { name: 'invoices:read', description: 'Read invoices' },
        { name: 'invoices:write', description: 'Create and void invoices' },
        { name: 'reports:export', description: '' },
      ]);

      await page.getByRole('button', { name: 'Edit reports:export' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit reports:export' });
      await dialog.getByLabel('Description').fill('Export monthly reports');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('cell', { name: 'Export monthly reports' }).waitFor();
      expect((await catalogue())[2]).toEqual({ name: 'reports:export', description: 'Export monthly reports' });

      const management = page.getByRole('table', { name: 'Management scopes' });
      await management.getByRole('cell', { name: 'keys:write', exact: true }).waitFor();
      expect(await management.getByRole('button').count()).toBe(0);
      expect(await management.getByRole('row').count()).toBe(1 + (await c.t.graphql('{ managementScopes { name } }', {}, { token: c.tenant.owner.token })).data.managementScopes.length);

      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'scopes');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("answers a bad, reserved or taken name in the API's words and adds nothing", async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      const before = await catalogue();
      await openPage(c, page, '/scopes', 'Scopes');
      const add = page.getByRole('form', { name: 'Add a scope' });
      for (const [name, gist] of [['Invoices', 'must have the form resource:action'], ['keys:read', 'is a management scope; choose another name'], ['invoices:read', 'The tenant already has a scope named "invoices:read"']] as const) {
        const words = await apiWordsFor(name);
        expect(words).toContain(gist);
        await add.getByLabel('Name').fill(name);
        await add.getByRole('button', { name: 'Add scope' }).click();
        await expect.poll(() => page.locator('main').textContent()).toContain(words);
      }
      expect(await catalogue()).toEqual(before);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('deletes a scope; one a key still names only when also removed from it, as the API says', async () => {
    const key = await createTestKey(c.t.app, c.tenant.id, { ownerId: c.tenant.owner.id, scopes: ['invoices:write'] });
    const { context, page, problems } = await c.loggedIn();
    try {
      await openPage(c, page, '/scopes', 'Scopes');
      const table = page.getByRole('table', { name: 'Your scopes' });
      await table.getByRole('button', { name: 'Delete reports:export' }).click();
      let dialog = page.getByRole('dialog', { name: 'Delete reports:export?' });
      await dialog.getByRole('button', { name: 'Delete scope' }).click();
      await table.getByRole('cell', { name: 'reports:export', exact: true }).waitFor({ state: 'detached' });

      await table.getByRole('button', { name: 'Delete invoices:write' }).click();
      dialog = page.getByRole('dialog', { name: 'Delete invoices:write?' });
      await dialog.getByRole('button', { name: 'Delete scope' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('Scope "invoices:write" is used by 1 API key');
      expect((await catalogue()).map((s: { name: string }) => s.name)).toEqual(['invoices:read', 'invoices:write']);

      await dialog.getByLabel(/Also remove it from every key, role and group/).check();
      await dialog.getByRole('button', { name: 'Delete scope' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await catalogue()).map((s: { name: string }) => s.name)).toEqual(['invoices:read']);
      expect((await c.t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).scopes).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("a member without scopes:write has nothing to change; a role lost while the page is open meets the API's refusal", async () => {
    const reader = await memberLoggedIn(c, 'MEMBER');
    try {
      await openPage(c, reader.page, '/scopes', 'Scopes');
      await reader.page.getByText('Your role does not hold scopes:write').waitFor();
      await reader.page.getByRole('cell', { name: 'invoices:read', exact: true }).waitFor();
      expect(await reader.page.getByRole('form', { name: 'Add a scope' }).count()).toBe(0);
      expect(await reader.page.getByRole('button', { name: /^(Edit|Delete) / }).count()).toBe(0);
    } finally {
      await reader.context.close();
    }

    const second = await memberLoggedIn(c, 'ADMIN');
    try {
      const before = await catalogue();
      await openPage(c, second.page, '/scopes', 'Scopes');
      await changeRole(c, second.member.id, 'VIEWER');
      const add = second.page.getByRole('form', { name: 'Add a scope' });
      await add.getByLabel('Name').fill('orders:read');
      await add.getByRole('button', { name: 'Add scope' }).click();
      await expect.poll(() => second.page.getByRole('alert').first().textContent()).toMatch(/You are not allowed to do this\. It needs scopes:write/);
      expect(await catalogue()).toEqual(before);
      expect(second.problems).toEqual([]);
    } finally {
      await second.context.close();
    }
  });

  it("never shows another tenant's scopes", async () => {
    const other = await createTenant(c.t.app, 'Other');
    await c.t.graphql('mutation { createScope(input: { name: "secret:other", description: "another tenant" }) { __typename } }', {}, { token: other.owner.token });
    const { context, page } = await c.loggedIn();
    try {
      await openPage(c, page, '/scopes', 'Scopes');
      await page.getByRole('cell', { name: 'invoices:read', exact: true }).waitFor();
      const text = await page.locator('main').textContent();
      expect(text).not.toContain('secret:other');
      expect(text).not.toContain('another tenant');
    } finally {
      await context.close();
    }
  });
});
