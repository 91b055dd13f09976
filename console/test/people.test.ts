import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../server/test/harness/fixtures.ts';
import { HAS_CHROMIUM, PASSWORD, SKIP_REASON, screenshot, seriousAccessibilityViolations, setPassword, startConsole, type ConsoleUnderTest } from './harness.ts';

// The members and roles pages: every change goes through the API and is checked there; the API's
// refusals appear in words with nothing changed; another tenant's people never appear.

let c: ConsoleUnderTest;
const memberByEmail = (email: string) => c.t.app.db.prisma.member.findFirst({ where: { tenantId: c.tenant.id, email } });

describe.skipIf(!HAS_CHROMIUM)(`The members and roles pages${SKIP_REASON}`, () => {
  beforeAll(async () => {
    c = await startConsole();
    const other = await createTenant(c.t.app, 'Other Tenant');
    await other.addMember('ADMIN', 'stranger@example.test');
  });
  afterAll(async () => {
    await c?.close();
  });

  it('lists the members, adds one who can then log in, and shows the API words for a bad email with nothing added', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await page.getByRole('link', { name: 'Members' }).click();
      await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
      await page.getByRole('cell', { name: 'owner@example.test' }).waitFor();
      expect(await page.getByText('stranger@example.test').count()).toBe(0);

      await page.getByRole('button', { name: 'Add member' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a member' });
      await dialog.getByLabel('Name').fill('Ada');
      await dialog.getByLabel('Email').fill('not an email');
      await dialog.getByRole('button', { name: 'Add member' }).click();
      await dialog.getByRole('alert').waitFor();
      expect(await dialog.locator('.field-error').first().textContent()).toMatch(/email/i);
      expect(await c.t.app.db.prisma.member.count({ where: { tenantId: c.tenant.id } })).toBe(1);

      await dialog.getByLabel('Email').fill('ada@example.test');
      await dialog.getByLabel('Role').selectOption({ label: 'ADMIN' });
      await dialog.getByLabel(/^Password/).fill(PASSWORD);
      await dialog.getByRole('button', { name: 'Add member' }).click();
      await page.getByRole('cell', { name: 'ada@example.test' }).waitFor();
      const ada = await c.t.app.db.prisma.member.findFirst({ where: { tenantId: c.tenant.id, email: 'ada@example.test' }, include: { role: true } });
      expect(ada).toMatchObject({ name: 'Ada', status: 'ACTIVE' });
      expect(ada!.role.builtIn).toBe('ADMIN');
      const login = await c.t.graphql('mutation($i: LoginInput!) { login(input: $i) { ... on LoginPayload { token } } }', { i: { tenant: c.tenant.slug, email: 'ada@example.test', password: PASSWORD } });
      expect(login.data.login.token).toMatch(/^kws_/);

      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'members');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('deactivates a member (their session ends) and reactivates them, each after a confirmation that says so', async () => {
    const bob = await c.tenant.addMember('MEMBER', 'bob@example.test');
    await c.t.app.db.prisma.member.update({ where: { id: bob.id }, data: { name: 'Bob' } });
    const { context, page } = await c.loggedIn();
    try {
      await page.goto(`${c.origin}/console/members`);
      await page.getByRole('button', { name: 'Deactivate Bob' }).click();
      const confirm = page.getByRole('dialog', { name: /Deactivate Bob/ });
      expect(await confirm.textContent()).toMatch(/can no longer log in: their sessions end now/);
      await confirm.getByRole('button', { name: 'Deactivate member' }).click();
      await page.getByRole('button', { name: 'Reactivate Bob' }).waitFor();
      expect((await memberByEmail('bob@example.test'))!.status).toBe('DEACTIVATED');
      const refused = await c.t.graphql('{ viewer { kind } }', {}, { token: bob.token });
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      await page.getByRole('button', { name: 'Reactivate Bob' }).click();
      await page.getByRole('dialog', { name: /Reactivate/ }).getByRole('button', { name: 'Reactivate member' }).click();
      await page.getByRole('button', { name: 'Deactivate Bob' }).waitFor();
      expect((await memberByEmail('bob@example.test'))!.status).toBe('ACTIVE');
    } finally {
      await context.close();
    }
  });

  it("refuses to delete a member who owns keys in the API's words, and nothing changes", async () => {
    const carol = await c.tenant.addMember('MEMBER', 'carol@example.test');
    await c.t.app.db.prisma.member.update({ where: { id: carol.id }, data: { name: 'Carol' } });
    const created = await c.t.graphql('mutation($i: CreateKeyInput!) { createKey(input: $i) { __typename } }', { i: { name: "carol's key", ownerId: carol.id } }, { token: c.tenant.owner.token });
    expect(created.data.createKey.__typename).toBe('CreateKeyPayload');
    const { context, page } = await c.loggedIn();
    try {
      await page.goto(`${c.origin}/console/members?search=carol`);
      await page.getByRole('button', { name: 'Delete Carol' }).click();
      const confirm = page.getByRole('dialog', { name: /Delete Carol/ });
      expect(await confirm.textContent()).toMatch(/owns 1 API key/);
      await confirm.getByRole('button', { name: 'Delete member' }).click();
      await confirm.getByRole('alert').waitFor();
      expect(await confirm.getByRole('alert').textContent()).toMatch(/key/i);
      expect(await memberByEmail('carol@example.test')).not.toBeNull();
    } finally {
      await context.close();
    }
  });

  it("shows a viewer the API's refusal in words when they try to change a member", async () => {
    const viewer = await c.tenant.addMember('VIEWER', 'viewer@example.test');
    await setPassword(c.t, viewer.id, PASSWORD);
    const { context, page } = await c.loggedIn({ email: 'viewer@example.test' });
    try {
      await page.goto(`${c.origin}/console/members`);
      await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
      await page.getByRole('cell', { name: 'owner@example.test' }).waitFor();
      expect(await page.getByRole('button', { name: 'Add member' }).count()).toBe(0);
      const owner = page.getByRole('row').filter({ hasText: 'owner@example.test' });
      await owner.getByRole('button', { name: /^Deactivate/ }).click();
      const confirm = page.getByRole('dialog', { name: /Deactivate/ });
      await confirm.getByRole('button', { name: 'Deactivate member' }).click();
      await confirm.getByRole('alert').waitFor();
      expect(await confirm.getByRole('alert').textContent()).toMatch(/You are not allowed/);
      expect((await memberByEmail('owner@example.test'))!.status).toBe('ACTIVE');
    } finally {
      await context.close();
    }
  });

  it('creates a custom role with scopes, changes it, and deletes it moving its members; built-in roles offer no change', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await page.goto(`${c.origin}/console/roles`);
      await page.getByRole('heading', { level: 1, name: 'Roles' }).waitFor();
      await page.getByRole('cell', { name: /OWNER/ }).first().waitFor();
      expect(await page.getByRole('button', { name: 'Change OWNER' }).count()).toBe(0);

      await page.getByRole('button', { name: 'Create role' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create a role' });
      await dialog.getByRole('button', { name: 'Create role' }).click();
      await dialog.getByRole('alert').waitFor();
      expect(await c.t.app.db.prisma.role.count({ where: { tenantId: c.tenant.id, builtIn: null } })).toBe(0);

      await dialog.getByLabel('Name').fill('Key auditor');
      await dialog.getByLabel('Description').fill('Reads keys and the audit trail');
      await dialog.getByRole('checkbox', { name: /^keys:read/ }).check();
      await dialog.getByRole('checkbox', { name: /^audit:read/ }).check();
      await dialog.getByRole('button', { name: 'Create role' }).click();
      await page.getByRole('button', { name: 'Change Key auditor' }).waitFor();
      const role = await c.t.app.db.prisma.role.findFirst({ where: { tenantId: c.tenant.id, name: 'Key auditor' } });
      expect(role?.scopes.sort()).toEqual(['audit:read', 'keys:read']);

      await page.getByRole('button', { name: 'Change Key auditor' }).click();
      const edit = page.getByRole('dialog', { name: 'Change the role Key auditor' });
      await edit.getByRole('checkbox', { name: /^audit:read/ }).uncheck();
      await edit.getByRole('button', { name: 'Save' }).click();
      await expect.poll(async () => (await c.t.app.db.prisma.role.findUnique({ where: { id: role!.id } }))!.scopes).toEqual(['keys:read']);

      const dave = await c.tenant.addMember({ roleId: role!.id }, 'dave@example.test');
      await page.reload();
      await page.getByRole('button', { name: 'Delete Key auditor' }).click();
      const confirm = page.getByRole('dialog', { name: /Delete the role Key auditor/ });
      expect(await confirm.textContent()).toMatch(/1 member\(s\) hold this role/);
      await confirm.getByLabel('Move its members to').selectOption({ label: 'VIEWER' });
      await confirm.getByRole('button', { name: 'Delete role' }).click();
      await page.getByRole('button', { name: 'Change Key auditor' }).waitFor({ state: 'detached' });
      expect(await c.t.app.db.prisma.role.findUnique({ where: { id: role!.id } })).toBeNull();
      const moved = await c.t.app.db.prisma.member.findUnique({ where: { id: dave.id }, include: { role: true } });
      expect(moved!.role.builtIn).toBe('VIEWER');

      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'roles');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
