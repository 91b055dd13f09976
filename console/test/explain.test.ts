import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../server/test/harness/fixtures.ts';
import { HAS_CHROMIUM, PASSWORD, SKIP_REASON, screenshot, seriousAccessibilityViolations, setPassword, startConsole, type ConsoleUnderTest } from './harness.ts';

// "Why was this key refused?": explainAccess as a form, its verdict and every check in words.
// The keys, group, rules and scopes are made through the API, like an operator would.

let c: ConsoleUnderTest;
let group: { id: string };
let key: { id: string; publicId: string; text: string };

const ERRORS = '__typename ... on Error { code message }';

async function api(document: string, variables: Record<string, unknown>, token = c.tenant.owner.token): Promise<any> {
  const response = await c.t.graphql(document, variables, { token });
  expect(response.errors, response.body).toBeUndefined();
  return Object.values(response.data as Record<string, unknown>)[0];
}

async function explain(page: Page, input: { key: string; ip: string; method?: string; path?: string; scopes?: string }) {
  await page.goto(`${c.origin}/console/explain`);
  await page.getByRole('heading', { level: 1, name: 'Why was this key refused?' }).waitFor();
  await page.getByLabel('Key', { exact: true }).fill(input.key);
  await page.getByLabel('Client address').fill(input.ip);
  if (input.method !== undefined) await page.getByLabel('Method').selectOption(input.method);
  if (input.path) await page.getByLabel('Path', { exact: true }).fill(input.path);
  if (input.scopes) await page.getByLabel('Scopes the request needs (optional)').fill(input.scopes);
  await page.getByRole('button', { name: 'Explain' }).click();
}

const verdict = (page: Page) => page.locator('.explain-verdict');

describe.skipIf(!HAS_CHROMIUM)(`The refusal explainer${SKIP_REASON}`, () => {
  beforeAll(async () => {
    c = await startConsole();
    for (const name of ['tickets:read', 'tickets:write']) {
      expect((await api(`mutation($input: CreateScopeInput!) { createScope(input: $input) { ${ERRORS} } }`, { input: { name } })).__typename).toBe('ScopePayload');
    }
    const created = await api(`mutation($input: CreateGroupInput!) { createGroup(input: $input) { ${ERRORS} ... on GroupPayload { group { id } } } }`, {
      input: { name: 'billing', ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] },
    });
    group = created.group;
    const made = await api(`mutation($input: CreateKeyInput!) { createKey(input: $input) { ${ERRORS} ... on CreateKeyPayload { key apiKey { id publicId } } } }`, {
      input: { name: 'billing export', groupId: group.id, scopes: ['tickets:read'], endpoints: ['GET /v1/tickets/**'] },
    });
    key = { id: made.apiKey.id, publicId: made.apiKey.publicId, text: made.key };
  });
  afterAll(async () => {
    await c?.close();
  });

  it('explains an allowed request: the verdict and every check in words', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await explain(page, { key: key.id, ip: '10.1.2.3', method: 'GET', path: '/v1/tickets/42', scopes: 'tickets:read' });
      await page.getByRole('heading', { level: 2, name: 'Allowed' }).waitFor();
      expect(await verdict(page).textContent()).toBe(
        'Allowed: the key would be accepted from 10.1.2.3 for GET /v1/tickets/42; the address 10.1.2.3 passes every IP rule, and it effectively holds tickets:read.',
      );
      const rows = await page.locator('.explain-checks tbody tr').allTextContents();
      expect(rows).toHaveLength(7);
      expect(rows.every((row) => row.includes('Passed'))).toBe(true);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("refuses by the group's IP rule, given the full key text: the text is read in the page, never sent, never shown again", async () => {
    const { context, page, problems } = await c.loggedIn();
    const sent: string[] = [];
    page.on('request', (request) => sent.push(`${request.url()} ${request.postData() ?? ''}`));
    try {
      await explain(page, { key: key.text, ip: '203.0.113.9', method: '', scopes: 'tickets:read' });
      await page.getByRole('heading', { level: 2, name: 'Refused' }).waitFor();
      expect(await verdict(page).textContent()).toBe("Refused: the address 203.0.113.9 matches no allow rule of the key's group 'billing'.");
      const ipRow = page.getByRole('row', { name: /IP rules/ });
      expect(await ipRow.textContent()).toContain('Refused');
      // Checks before the IP rules passed; the endpoint was not asked about.
      expect(await page.getByRole('row', { name: /Not revoked/ }).textContent()).toContain('Passed');
      expect(await page.getByRole('row', { name: /Endpoint/ }).textContent()).toContain('Not checked');

      // The key text: only in its input field, nowhere else in the page, the URL or any request.
      const secretPart = key.text.slice(key.text.indexOf(key.publicId) + key.publicId.length, -6);
      expect(await page.getByLabel('Key', { exact: true }).inputValue()).toBe(key.text);
      const body = await page.locator('body').innerText();
      expect(body).not.toContain(key.text);
      expect(body).not.toContain(secretPart);
      expect(page.url()).not.toContain(secretPart);
      expect(sent.join('\n')).not.toContain(secretPart);
      expect(sent.join('\n')).toContain(key.publicId);
      await screenshot(page, 'explain');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses for a missing scope and for an endpoint outside the key’s patterns, naming them', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await explain(page, { key: key.publicId, ip: '10.0.0.1', scopes: 'tickets:read, tickets:write' });
      await page.getByRole('heading', { level: 2, name: 'Refused' }).waitFor();
      expect(await verdict(page).textContent()).toBe(
        "Refused: the key does not effectively hold tickets:write (it holds tickets:read: its own scopes, limited by its owner's role and its group).",
      );
      expect(await page.getByRole('row', { name: /Scopes/ }).textContent()).toContain('Missing: tickets:write.');

      await explain(page, { key: key.publicId, ip: '10.0.0.1', method: 'DELETE', path: '/v1/tickets/42' });
      await page.getByRole('heading', { level: 2, name: 'Refused' }).waitFor();
      expect(await verdict(page).textContent()).toBe(
        'Refused: the endpoint "DELETE /v1/tickets/42" matches none of the key\'s allowed endpoints. It may call only: GET /v1/tickets/**.',
      );
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses a revoked key, saying so before anything else', async () => {
    const made = await api(`mutation($input: CreateKeyInput!) { createKey(input: $input) { ${ERRORS} ... on CreateKeyPayload { apiKey { id } } } }`, { input: { name: 'old', groupId: group.id } });
    const revoked = await api(`mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { ${ERRORS} } }`, { input: { id: made.apiKey.id, reason: 'left the company' } });
    expect(revoked.__typename).toBe('ApiKeyPayload');
    const { context, page, problems } = await c.loggedIn();
    try {
      await explain(page, { key: made.apiKey.id, ip: '203.0.113.9' });
      await page.getByRole('heading', { level: 2, name: 'Refused' }).waitFor();
      expect(await verdict(page).textContent()).toMatch(/^Refused: the key was revoked on .+ \(“left the company”\); a revoked key never works again\.$/);
      expect(await page.getByRole('row', { name: /Tenant/ }).textContent()).toContain('Passed');
      expect(await page.getByRole('row', { name: /Not revoked/ }).textContent()).toContain('Refused');
      expect(await page.getByRole('row', { name: /Not expired/ }).textContent()).toContain('Not reached');
      // The IP rules are answered whatever the code.
      expect(await page.getByRole('row', { name: /IP rules/ }).textContent()).toContain("matches no allow rule of the key's group 'billing'");
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("shows the API's words for a malformed address or scope, another tenant's key as not found, a text that is no key as such", async () => {
    const other = await createTenant(c.t.app, 'Other Tenant');
    const theirs = await api(`mutation { createKey(input: { name: "theirs" }) { ${ERRORS} ... on CreateKeyPayload { apiKey { id publicId } } } }`, {}, other.owner.token);
    const { context, page, problems } = await c.loggedIn();
    try {
      await explain(page, { key: key.id, ip: '1.2.3' });
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('is not a valid IPv4 or IPv6 address');
      expect(await page.getByLabel('Client address').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByRole('heading', { level: 2 }).count()).toBe(0);

      await explain(page, { key: key.id, ip: '10.0.0.1', scopes: 'tickets:read Not_A_Scope' });
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Scope "Not_A_Scope" must have the form resource:action');
      expect(await page.getByLabel('Scopes the request needs (optional)').getAttribute('aria-invalid')).toBe('true');

      await explain(page, { key: theirs.apiKey.id, ip: '10.0.0.1' });
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('It does not exist, or it was deleted.');
      await explain(page, { key: theirs.apiKey.publicId, ip: '10.0.0.1' });
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('It does not exist, or it was deleted.');

      await explain(page, { key: `${key.text.slice(0, -1)}x`, ip: '10.0.0.1' });
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('The key checksum does not match');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("a member whose role lacks keys:read sees the API's refusal in words", async () => {
    const role = await api(`mutation($input: CreateRoleInput!) { createRole(input: $input) { ${ERRORS} ... on RolePayload { role { id } } } }`, { input: { name: 'auditor', scopes: ['audit:read'] } });
    const member = await c.tenant.addMember({ roleId: role.role.id }, 'auditor@example.test');
    await setPassword(c.t, member.id, PASSWORD);
    const { context, page, problems } = await c.newPage();
    try {
      await page.goto(`${c.origin}/console/explain`);
      await page.getByLabel('Tenant').fill(c.tenant.slug);
      await page.getByLabel('Email').fill(member.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Why was this key refused?' }).waitFor();
      await explain(page, { key: key.id, ip: '10.0.0.1' });
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/You are not allowed to do this\. It needs keys:read/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
