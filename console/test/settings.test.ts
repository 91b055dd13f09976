import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../server/test/harness/fixtures.ts';
import { createTestKey, verifyKey } from '../../server/test/harness/keys.ts';
import { HAS_CHROMIUM, SKIP_REASON, screenshot, seriousAccessibilityViolations, startConsole, type ConsoleUnderTest } from './harness.ts';
import { changeRole, memberLoggedIn, openPage } from './orgPages.ts';

// The tenant settings page: each setting saved through the UI is what the API then answers; the
// API's field errors in words with nothing changed; turning the API off asks first, then every key
// of the tenant is refused at /v1/verify; tenant IP rules added and removed.

let c: ConsoleUnderTest;

const TENANT = `{ tenant { name apiEnabled keyPrefix maxKeyLifetimeSeconds defaultTokenTtlSeconds maxTokenTtlSeconds allowQueryParamKey leakedKeyPolicy auditRetentionDays ipRules { action cidr description } } }`;
const tenantNow = async () => (await c.t.graphql(TENANT, {}, { token: c.tenant.owner.token })).data.tenant;

describe.skipIf(!HAS_CHROMIUM)(`The tenant settings page${SKIP_REASON}`, () => {
  beforeAll(async () => {
    c = await startConsole();
  });
  afterAll(async () => {
    await c?.close();
  });

  it('saves the settings the owner changes; the API answers them afterwards', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await openPage(c, page, '/settings', 'Tenant settings');
      const form = page.getByRole('form', { name: 'Tenant settings' });
      await form.getByLabel('Maximum key lifetime', { exact: true }).fill('90');
      await form.getByLabel('Maximum key lifetime: unit').selectOption('days');
      await form.getByLabel('Default token lifetime', { exact: true }).fill('15');
      await form.getByLabel('Default token lifetime: unit').selectOption('minutes');
      await form.getByLabel('Key prefix').fill('acme');
      await form.getByLabel('When a key is reported as leaked').selectOption('DISABLE');
      await form.getByLabel('Audit retention (days)').fill('400');
      await form.getByLabel(/Accept a key in the URL/).check();
      await form.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
      expect(await tenantNow()).toMatchObject({
        apiEnabled: true, keyPrefix: 'acme', maxKeyLifetimeSeconds: 90 * 86400, defaultTokenTtlSeconds: 900,
        allowQueryParamKey: true, leakedKeyPolicy: 'DISABLE', auditRetentionDays: 400,
      });
      // Emptying the maximum key lifetime removes it.
      await form.getByLabel('Maximum key lifetime', { exact: true }).fill('');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(async () => (await tenantNow()).maxKeyLifetimeSeconds).toBeNull();
      await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
      expect(await form.getByLabel('Maximum key lifetime', { exact: true }).inputValue()).toBe('');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("shows the API's words for bad values next to their fields, and changes nothing", async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      const before = await tenantNow();
      await openPage(c, page, '/settings', 'Tenant settings');
      const form = page.getByRole('form', { name: 'Tenant settings' });
      await form.getByLabel('Key prefix').fill('Not A Prefix!');
      await form.getByLabel('Maximum token lifetime', { exact: true }).fill('10');
      await form.getByLabel('Maximum token lifetime: unit').selectOption('seconds');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(() => form.getByRole('alert').textContent()).toContain('Some fields need another value');
      expect(await form.getByLabel('Key prefix').getAttribute('aria-invalid')).toBe('true');
      await expect.poll(() => form.textContent()).toContain('must be 2-12 lowercase letters or digits, starting with a letter');
      expect(await form.textContent()).toContain('must be at least 60 seconds');
      expect(await tenantNow()).toEqual(before);

      // The rule between two fields, checked by the API: the default above the maximum.
      await form.getByRole('button', { name: 'Undo changes' }).click();
      await form.getByLabel('Maximum token lifetime', { exact: true }).fill('1');
      await form.getByLabel('Maximum token lifetime: unit').selectOption('minutes');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(() => form.textContent()).toContain(`The default token lifetime (${before.defaultTokenTtlSeconds} s) must not exceed the maximum (60 s)`);
      expect(await form.getByLabel('Maximum token lifetime', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await tenantNow()).toEqual(before);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('asks before turning the API off, saying every key will be refused; then a key is refused at /v1/verify', async () => {
    const key = await createTestKey(c.t.app, c.tenant.id, { ownerId: c.tenant.owner.id });
    expect((await verifyKey(c.t, c.tenant.owner.token, { key: key.text })).body).toMatchObject({ valid: true, code: 'VALID' });
    const { context, page, problems } = await c.loggedIn();
    try {
      await openPage(c, page, '/settings', 'Tenant settings');
      const form = page.getByRole('form', { name: 'Tenant settings' });
      await form.getByLabel(/^API on/).uncheck();
      await form.getByRole('button', { name: 'Save settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Turn the API off?' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('Every API key and access token of Console Tenant will be refused');
      // Cancelling changes nothing.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await tenantNow()).apiEnabled).toBe(true);

      await form.getByRole('button', { name: 'Save settings' }).click();
      await dialog.getByRole('button', { name: 'Turn the API off' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
      expect((await tenantNow()).apiEnabled).toBe(false);
      expect((await verifyKey(c.t, c.tenant.owner.token, { key: key.text })).body).toMatchObject({ valid: false, code: 'TENANT_DISABLED' });

      // And on again, without a question.
      await form.getByLabel(/^API on/).check();
      await form.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(async () => (await verifyKey(c.t, c.tenant.owner.token, { key: key.text })).body.code).toBe('VALID');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("adds and removes tenant IP rules; a bad CIDR is answered in the API's words and adds nothing", async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await openPage(c, page, '/settings', 'Tenant settings');
      const add = page.getByRole('form', { name: 'Add a tenant IP rule' });
      await add.getByLabel('Address or CIDR').fill('10.0.0.300/8');
      await add.getByRole('button', { name: 'Add rule' }).click();
      await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('"10.0.0.300/8" is not a valid IP address or CIDR');
      expect(await add.getByLabel('Address or CIDR').getAttribute('aria-invalid')).toBe('true');
      expect((await tenantNow()).ipRules).toEqual([]);

      await add.getByLabel('Address or CIDR').fill('198.51.100.0/24');
      await add.getByLabel('Allow or deny').selectOption('DENY');
      await add.getByLabel('Note').fill('old office');
      await add.getByRole('button', { name: 'Add rule' }).click();
      const table = page.getByRole('table', { name: 'Tenant IP rules' });
      await table.getByRole('cell', { name: '198.51.100.0/24', exact: true }).waitFor();
      await add.getByLabel('Address or CIDR').fill('203.0.113.7');
      await add.getByLabel('Allow or deny').selectOption('ALLOW');
      await add.getByRole('button', { name: 'Add rule' }).click();
      await table.getByRole('cell', { name: '203.0.113.7/32', exact: true }).waitFor();
      expect((await tenantNow()).ipRules).toEqual([
        { action: 'DENY', cidr: '198.51.100.0/24', description: 'old office' },
        { action: 'ALLOW', cidr: '203.0.113.7/32', description: '' },
      ]);

      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'settings');

      await table.getByRole('button', { name: 'Remove the rule deny 198.51.100.0/24' }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove this IP rule?' });
      expect(await dialog.textContent()).toContain('stops applying to every key of the tenant');
      await dialog.getByRole('button', { name: 'Remove rule' }).click();
      await table.getByRole('cell', { name: '198.51.100.0/24', exact: true }).waitFor({ state: 'detached' });
      await table.getByRole('button', { name: 'Remove the rule allow 203.0.113.7/32' }).click();
      expect(await dialog.textContent()).toContain('It is the last ALLOW rule');
      await dialog.getByRole('button', { name: 'Remove rule' }).click();
      await page.getByText('No tenant IP rules').waitFor();
      expect((await tenantNow()).ipRules).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a member without tenant:admin reads the settings but has nothing to save; a role lost while the page is open meets the API\'s refusal', async () => {
    const reader = await memberLoggedIn(c, 'MEMBER');
    try {
      await openPage(c, reader.page, '/settings', 'Tenant settings');
      await reader.page.getByText('Your role does not hold tenant:admin').waitFor();
      expect(await reader.page.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
      expect(await reader.page.getByRole('form', { name: 'Add a tenant IP rule' }).count()).toBe(0);
      expect(await reader.page.getByLabel('Key prefix').isDisabled()).toBe(true);
      expect(reader.problems).toEqual([]);
    } finally {
      await reader.context.close();
    }

    const second = await memberLoggedIn(c, 'OWNER');
    try {
      const before = await tenantNow();
      await openPage(c, second.page, '/settings', 'Tenant settings');
      await second.page.getByRole('heading', { name: /^Settings of / }).waitFor();
      await changeRole(c, second.member.id, 'MEMBER');
      const form = second.page.getByRole('form', { name: 'Tenant settings' });
      await form.getByLabel('Tenant name').fill('Renamed by someone who may not');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/You are not allowed to do this\. It needs tenant:admin/);
      expect(await tenantNow()).toEqual(before);
      const add = second.page.getByRole('form', { name: 'Add a tenant IP rule' });
      await add.getByLabel('Address or CIDR').fill('192.0.2.0/24');
      await add.getByRole('button', { name: 'Add rule' }).click();
      await expect.poll(() => second.page.getByRole('alert').last().textContent()).toMatch(/You are not allowed to do this/);
      expect((await tenantNow()).ipRules).toEqual(before.ipRules);
      expect(second.problems).toEqual([]);
    } finally {
      await second.context.close();
    }
  });

  it("never shows another tenant's settings or IP rules", async () => {
    const other = await createTenant(c.t.app, 'Other Tenant Ltd');
    await c.t.graphql('mutation($input: CreateIpRuleInput!) { createIpRule(input: $input) { __typename } }', { input: { cidr: '192.0.2.99', action: 'DENY', description: 'other tenant rule' } }, { token: other.owner.token });
    const { context, page } = await c.loggedIn();
    try {
      await openPage(c, page, '/settings', 'Tenant settings');
      await page.getByRole('heading', { name: 'Settings of Console Tenant' }).waitFor();
      const text = await page.locator('main').textContent();
      expect(text).not.toContain('Other Tenant Ltd');
      expect(text).not.toContain('192.0.2.99');
      expect(text).not.toContain('other tenant rule');
    } finally {
      await context.close();
    }
  });
});
