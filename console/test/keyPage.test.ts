import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../server/test/harness/fixtures.ts';
import { HAS_CHROMIUM, PASSWORD, SKIP_REASON, screenshot, seriousAccessibilityViolations, setPassword, startConsole, type ConsoleUnderTest } from './harness.ts';

// The key's page: everything the API knows of a key (seeded through the API with the owner's
// token), and rotate, disable, enable, revoke and delete driven in Chromium, each checked at
// POST /v1/verify; the API's refusals shown in words; a key shown once and never again.

let c: ConsoleUnderTest;
let groupId: string;

const CREATE_KEY = `mutation($input: CreateKeyInput!) { createKey(input: $input) { __typename ... on CreateKeyPayload { key apiKey { id publicId maskedKey } } ... on Error { code message } } }`;

/** Runs a GraphQL document as the tenant's owner (or `token`); its data, or a thrown error. */
async function api<T = any>(query: string, variables: Record<string, unknown> = {}, token = c.tenant.owner.token): Promise<T> {
  const response = await c.t.graphql<T>(query, variables, { token });
  if (response.errors?.length) throw new Error(`${response.errors[0]!.extensions?.code}: ${response.errors[0]!.message}`);
  return response.data as T;
}

async function createKey(input: Record<string, unknown>, token?: string): Promise<{ id: string; key: string; maskedKey: string }> {
  const { createKey: result } = await api(CREATE_KEY, { input }, token);
  if (result.__typename !== 'CreateKeyPayload') throw new Error(`createKey: ${result.code} ${result.message}`);
  return { id: result.apiKey.id, key: result.key, maskedKey: result.apiKey.maskedKey };
}

async function keyStatus(id: string): Promise<string> {
  return (await api(`query($id: ID!) { apiKey(id: $id) { status } }`, { id })).apiKey.status;
}

/** POST /v1/verify as the owner (who holds keys:verify) from a client address no rule refuses. */
async function verify(key: string, extra: Record<string, unknown> = {}): Promise<{ valid: boolean; code: string }> {
  const response = await c.t.fetch('/v1/verify', {
    method: 'POST',
    headers: { authorization: `Bearer ${c.tenant.owner.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key, ip: '203.0.113.9', ...extra }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { valid: boolean; code: string };
}

async function openKey(page: Page, id: string, name: string): Promise<void> {
  await page.goto(`${c.origin}/console/keys/${id}`);
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

describe.skipIf(!HAS_CHROMIUM)(`The key's page${SKIP_REASON}`, () => {
  beforeAll(async () => {
    c = await startConsole();
    for (const name of ['tickets:read', 'tickets:write']) {
      await api(`mutation($input: CreateScopeInput!) { createScope(input: $input) { __typename } }`, { input: { name } });
    }
    const { createGroup } = await api(`mutation($input: CreateGroupInput!) { createGroup(input: $input) { __typename ... on GroupPayload { group { id } } } }`, {
      input: { name: 'Support tools', ipRules: [{ action: 'DENY', cidr: '192.0.2.0/24', description: 'old office' }] },
    });
    groupId = createGroup.group.id;
    const { createIpRule } = await api(`mutation($input: CreateIpRuleInput!) { createIpRule(input: $input) { __typename } }`, {
      input: { action: 'DENY', cidr: '198.51.100.0/24', description: 'known scanners' },
    });
    expect(createIpRule.__typename).toBe('IpRulePayload');
  });
  afterAll(async () => {
    await c?.close();
  });

  it("shows everything the API has of a key: scopes, IP rules of every level, group, owner, expiry, usage, networks; never its secret", async () => {
    const expiresAt = new Date(Date.now() + 3 * 86_400_000 + 2 * 3_600_000);
    const seeded = await createKey({
      name: 'Helpdesk sync',
      description: 'Copies tickets to the helpdesk',
      contactEmail: 'ops@example.test',
      groupId,
      scopes: ['tickets:read', 'tickets:write'],
      endpoints: ['GET /v1/tickets/**'],
      ipRules: [{ action: 'ALLOW', cidr: '203.0.113.0/24', description: 'helpdesk servers' }],
      metadata: { team: 'support', ticketQueue: 'EU-1' },
      credits: { remaining: 500 },
      rateLimit: { limit: 100, windowMs: 60_000 },
      expiresAt,
    });
    // One use, so that last use, usage and networks have something to show.
    expect(await verify(seeded.key, { ip: '203.0.113.7', scopes: ['tickets:read'], endpoint: 'GET /v1/tickets/42' })).toMatchObject({ valid: true });
    await c.t.app.verification.usage.flush();

    const { context, page, problems } = await c.loggedIn();
    try {
      await openKey(page, seeded.id, 'Helpdesk sync');
      const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      for (const expected of [
        'Copies tickets to the helpdesk',
        'ops@example.test',
        seeded.maskedKey,
        'Active: requests with it are accepted',
        'Support tools',
        'owner@example.test',
        'tickets:read',
        'tickets:write',
        'GET /v1/tickets/**',
        '203.0.113.0/24',
        'helpdesk servers',
        '192.0.2.0/24',
        'old office',
        '198.51.100.0/24',
        'known scanners',
        'in 3 days',
        'by Test Member',
        'from 203.0.113.7',
        '499 uses left',
        '"ticketQueue": "EU-1"',
        '100 per 1 minute',
      ]) {
        expect(text, expected).toContain(expected);
      }
      // The IP rules table names each level.
      const rules = page.getByRole('table', { name: 'IP rules that apply to the key, by level' });
      expect(await rules.getByRole('rowheader').allInnerTexts()).toEqual(expect.arrayContaining(['This key', 'Its group', 'The tenant']));
      // Effective scopes as the API computes them.
      const { apiKey } = await api(`query($id: ID!) { apiKey(id: $id) { effectiveScopes usageCount } }`, { id: seeded.id });
      expect(apiKey.usageCount).toBe(1);
      for (const scope of apiKey.effectiveScopes) expect(text).toContain(scope);
      // Successful uses: 1; the network the use came from.
      expect(await page.getByRole('table', { name: /Networks the key was used from/ }).innerText()).toContain('203.0.113.0/24');
      // The exact expiry time is there too, as a machine-readable <time>.
      expect(await page.locator(`time[datetime="${expiresAt.toISOString().replace(/\.\d+Z$/, '.000Z')}"]`).count()).toBeGreaterThan(0);
      expect(await page.content()).not.toContain(seeded.key);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'key');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('rotates: the new key shown once works, the old one works during the grace; after closing, no secret in the page', async () => {
    const seeded = await createKey({ name: 'Billing export', scopes: ['tickets:read'] });
    const { context, page, problems } = await c.loggedIn();
    try {
      await openKey(page, seeded.id, 'Billing export');
      await page.getByRole('button', { name: 'Rotate…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Rotate Billing export?' });
      await dialog.waitFor();
      await dialog.getByRole('radio', { name: 'keeps working for a grace period, starting now' }).check();
      await dialog.getByRole('combobox', { name: 'Grace period' }).selectOption({ label: '1 hour' });
      expect(await dialog.innerText()).toMatch(/keep working for 1 hour/);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Rotate the key' }).click();

      const shown = page.getByRole('dialog', { name: 'New key for Billing export' });
      await shown.waitFor();
      const newKey = (await shown.getByTestId('secret-value').innerText()).trim();
      expect(newKey).not.toBe(seeded.key);
      expect(await verify(newKey)).toMatchObject({ valid: true });
      expect(await verify(seeded.key)).toMatchObject({ valid: true });
      // It closes only once "I have stored it" is ticked.
      expect(await shown.getByRole('button', { name: 'Close' }).isDisabled()).toBe(true);
      await shown.getByLabel('I have stored it safely').check();
      await shown.getByRole('button', { name: 'Close' }).click();
      await shown.waitFor({ state: 'hidden' });

      await page.getByText('In its grace period').waitFor();
      expect(await page.locator('main').innerText()).toContain(`…${newKey.slice(-4)}`);
      const html = await page.content();
      expect(html).not.toContain(newKey);
      expect(html).not.toContain(seeded.key);
      expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(newKey.slice(-12));

      // Again, with the grace from the new key's first use: both work until then.
      await page.getByRole('button', { name: 'Rotate…' }).click();
      await dialog.waitFor();
      await dialog.getByRole('radio', { name: 'keeps working until the new key is first used, then for a grace period' }).check();
      await dialog.getByRole('combobox', { name: 'Wait for the first use at most' }).selectOption({ label: '1 day' });
      expect(await dialog.innerText()).toMatch(/not used within 1 day/);
      await dialog.getByRole('button', { name: 'Rotate the key' }).click();
      await shown.waitFor();
      const third = (await shown.getByTestId('secret-value').innerText()).trim();
      await shown.getByLabel('I have stored it safely').check();
      await shown.getByRole('button', { name: 'Close' }).click();
      await page.getByText("Waiting for the new secret's first use").waitFor();
      expect(await verify(newKey)).toMatchObject({ valid: true });
      expect(await page.content()).not.toContain(third);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('disables and enables: each confirmed, each seen at /v1/verify and on the page', async () => {
    const seeded = await createKey({ name: 'Nightly report', scopes: ['tickets:read'] });
    const { context, page, problems } = await c.loggedIn();
    try {
      await openKey(page, seeded.id, 'Nightly report');
      await page.getByRole('button', { name: 'Disable…' }).click();
      const disable = page.getByRole('dialog', { name: 'Disable Nightly report?' });
      expect(await disable.innerText()).toContain('refuses every request with this key');
      await disable.getByRole('button', { name: 'Disable the key' }).click();
      await page.getByRole('status').filter({ hasText: 'The key was disabled' }).waitFor();
      expect(await page.locator('main').innerText()).toContain('Disabled: requests with it are refused');
      expect(await keyStatus(seeded.id)).toBe('DISABLED');
      expect(await verify(seeded.key)).toMatchObject({ valid: false, code: 'DISABLED' });

      await page.getByRole('button', { name: 'Enable…' }).click();
      await page.getByRole('dialog', { name: 'Enable Nightly report?' }).getByRole('button', { name: 'Enable the key' }).click();
      await page.getByRole('status').filter({ hasText: 'The key was enabled' }).waitFor();
      expect(await keyStatus(seeded.id)).toBe('ACTIVE');
      expect(await verify(seeded.key)).toMatchObject({ valid: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("revokes: without a reason the API's refusal shows in the dialog and nothing changes; with one, verify refuses the key", async () => {
    const seeded = await createKey({ name: 'Old integration', scopes: ['tickets:read'] });
    const { context, page, problems } = await c.loggedIn();
    try {
      await openKey(page, seeded.id, 'Old integration');
      await page.getByRole('button', { name: 'Revoke…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke Old integration?' });
      expect(await dialog.innerText()).toContain('Revoking is permanent: every request with this key is refused at once; its access tokens end too');
      await dialog.getByRole('button', { name: 'Revoke the key' }).click();
      await expect.poll(() => dialog.getByRole('alert').innerText()).toMatch(/reason/i);
      expect(await keyStatus(seeded.id)).toBe('ACTIVE');
      expect(await verify(seeded.key)).toMatchObject({ valid: true });

      await dialog.getByLabel(/^Reason/).fill('Contract ended');
      await dialog.getByRole('button', { name: 'Revoke the key' }).click();
      await page.getByRole('status').filter({ hasText: 'The key was revoked' }).waitFor();
      const text = await page.locator('main').innerText();
      expect(text).toContain('Revoked: refused for good');
      expect(text).toContain('Contract ended');
      expect(await page.getByRole('button', { name: 'Rotate…' }).count()).toBe(0);
      expect(await verify(seeded.key)).toMatchObject({ valid: false, code: 'REVOKED' });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('deletes, then goes back to the keys', async () => {
    const seeded = await createKey({ name: 'Temporary key', scopes: ['tickets:read'] });
    const { context, page, problems } = await c.loggedIn();
    try {
      await openKey(page, seeded.id, 'Temporary key');
      await page.getByRole('button', { name: 'Delete…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete Temporary key?' });
      expect(await dialog.innerText()).toContain('Deleting cannot be undone');
      await dialog.getByRole('button', { name: 'Delete the key' }).click();
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      expect(page.url()).toBe(`${c.origin}/console/keys`);
      await expect(api(`query($id: ID!) { apiKey(id: $id) { id } }`, { id: seeded.id })).rejects.toThrow(/NOT_FOUND/);
      expect(await verify(seeded.key)).toMatchObject({ valid: false });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("a member whose role lacks keys:write sees the API's refusal in words, and nothing changes; what the role may not read is said", async () => {
    const seeded = await createKey({ name: 'Viewer can see', scopes: ['tickets:read'] });
    const viewer = await c.tenant.addMember('VIEWER', 'viewer@example.test');
    await setPassword(c.t, viewer.id, PASSWORD);
    const { context, page, problems } = await c.loggedIn({ email: 'viewer@example.test' });
    try {
      await openKey(page, seeded.id, 'Viewer can see');
      const text = await page.locator('main').innerText();
      expect(text).toContain('Your role does not hold keys:write');
      // VIEWER lacks tenant:read: the tenant's IP rules are not shown, and the page says why.
      expect(text).toContain('seeing it needs tenant:read');
      await page.getByRole('button', { name: 'Disable…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Disable Viewer can see?' });
      await dialog.getByRole('button', { name: 'Disable the key' }).click();
      await expect.poll(() => dialog.getByRole('alert').innerText()).toMatch(/You are not allowed to do this\. It needs keys:write/);
      expect(await dialog.isVisible()).toBe(true);
      expect(await keyStatus(seeded.id)).toBe('ACTIVE');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("another tenant's key, an unknown id or a malformed one: not found, in words", async () => {
    const other = await createTenant(c.t.app, 'Other Tenant');
    const theirs = await createKey({ name: 'Not yours' }, other.owner.token);
    const { context, page, problems } = await c.loggedIn();
    try {
      for (const id of [theirs.id, 'key_01jzzzzzzzzzzzzzzzzzzzzzzz', 'not-a-key']) {
        await page.goto(`${c.origin}/console/keys/${id}`);
        await page.getByRole('heading', { level: 1, name: 'Key not found' }).waitFor();
        expect(await page.locator('main').innerText()).toContain('There is no key with the id');
        expect(await page.content()).not.toContain('Not yours');
      }
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
