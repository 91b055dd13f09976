import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, PASSWORD, SKIP_REASON, screenshot, seriousAccessibilityViolations, setPassword, startConsole, type ConsoleUnderTest } from './harness.ts';

// The "Create key" dialog: every field reaches the API as typed, the key is shown once (and
// verifies), the API's refusals are shown at the fields with nothing created, and the whole dialog
// works from the keyboard alone.

let c: ConsoleUnderTest;
let owner: string;
let ada: { id: string; email: string };

async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, token = owner): Promise<T> {
  const result = await c.t.graphql<T>(query, variables, { token });
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

const keyCount = () => c.t.app.db.prisma.apiKey.count({ where: { tenantId: c.tenant.id } });

const KEY_FIELDS = `name description contactEmail group { name } owner { id } scopes endpoints expiresAt publicId maskedKey metadata
  ipRules { cidr action description }`;

async function keyByPublicId(publicId: string) {
  const row = await c.t.app.db.prisma.apiKey.findFirstOrThrow({ where: { tenantId: c.tenant.id, publicId } });
  return (await gql(`query ($id: ID!) { apiKey(id: $id) { ${KEY_FIELDS} } }`, { id: row.id })).apiKey;
}

async function verify(key: string, body: Record<string, unknown>) {
  const response = await fetch(`${c.origin}/v1/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
    body: JSON.stringify({ key, ...body }),
  });
  expect(response.status).toBe(200);
  return response.json() as Promise<{ valid: boolean; code: string; scopes?: string[]; metadata?: unknown }>;
}

/** The keys page's own "Create key" button (when no dialog is open, the only button of that name). */
const opener = (page: Page) => page.getByRole('button', { name: 'Create key', exact: true });
const form = (page: Page) => page.getByRole('dialog', { name: 'Create key' });

async function openDialog(page: Page) {
  await opener(page).click();
  await form(page).waitFor();
  // The lists the form offers have arrived.
  await form(page).getByText("Loading the tenant's groups, members and scopes…").waitFor({ state: 'detached' });
}

/** Whether the focus is on the page's "Create key" button (outside any dialog). */
const focusOnOpener = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return active instanceof HTMLButtonElement && active.textContent === 'Create key' && active.closest('dialog') === null;
  });

/** Datetime-local text `days` from now (whole minutes) and the instant the page takes it for. */
async function localDateTime(page: Page, days: number): Promise<{ text: string; iso: string }> {
  return page.evaluate((days) => {
    const at = new Date(Date.now() + days * 86_400_000);
    at.setSeconds(0, 0);
    const pad = (n: number) => String(n).padStart(2, '0');
    const text = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
    return { text, iso: new Date(text).toISOString() };
  }, days);
}

/** Every response body the page receives from now on. */
function recordAnswers(page: Page): string[] {
  const bodies: string[] = [];
  page.on('response', (response) => {
    void response.text().then(
      (text) => bodies.push(`${response.url()} ${text}`),
      () => undefined,
    );
  });
  return bodies;
}

describe.skipIf(!HAS_CHROMIUM)(`The create key dialog${SKIP_REASON}`, () => {
  beforeAll(async () => {
    c = await startConsole();
    owner = c.tenant.owner.token;
    for (const [name, description] of [['tickets:read', 'Read tickets'], ['tickets:write', 'Change tickets'], ['reports:read', 'Read reports']]) {
      await gql('mutation ($input: CreateScopeInput!) { createScope(input: $input) { __typename } }', { input: { name, description } });
    }
    await gql('mutation ($input: CreateGroupInput!) { createGroup(input: $input) { __typename } }', { input: { name: 'Ops', defaultScopes: ['tickets:read'] } });
    const member = await c.tenant.addMember('ADMIN', 'ada@example.test');
    await c.t.app.db.prisma.member.update({ where: { id: member.id }, data: { name: 'Ada Admin' } });
    ada = { id: member.id, email: member.email };
  });
  afterAll(async () => {
    await c?.close();
  });

  it('creates a key with every field as typed; shows it once, it verifies, and afterwards only its public id exists in the console', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await openDialog(page);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('ck-name');
      const dialog = form(page);
      const expiry = await localDateTime(page, 10);

      await dialog.getByLabel('Name', { exact: true }).fill('Billing sync');
      await dialog.getByLabel('Contact email').fill('billing@example.test');
      await dialog.getByLabel('Description').fill('Pushes invoices to the ticket system');
      await dialog.getByLabel('Group', { exact: true }).selectOption({ label: 'Ops' });
      // The group's default scopes are ticked for a start, as the API would give them.
      expect(await dialog.getByRole('checkbox', { name: /tickets:read/ }).isChecked()).toBe(true);
      await dialog.getByLabel('Owner (the key acts for them)').selectOption({ label: `Ada Admin (${ada.email})` });
      await dialog.getByRole('checkbox', { name: /tickets:write/ }).check();
      await dialog.getByLabel('Expires', { exact: true }).selectOption({ label: 'Custom date and time…' });
      await dialog.getByLabel('Expires at (your local time)').fill(expiry.text);
      await dialog.getByRole('button', { name: 'Add IP rule' }).click();
      await dialog.getByLabel('Address or CIDR of IP rule 1').fill('203.0.113.0/24');
      await dialog.getByLabel('Note of IP rule 1').fill('office');
      await dialog.getByRole('button', { name: 'Add IP rule' }).click();
      await dialog.getByLabel('Address or CIDR of IP rule 2').fill('203.0.113.9');
      await dialog.getByLabel('Action of IP rule 2').selectOption({ label: 'Deny' });
      await dialog.getByLabel('Note of IP rule 2').fill('old laptop');
      // A third row, removed again: it is not sent.
      await dialog.getByRole('button', { name: 'Add IP rule' }).click();
      await dialog.getByRole('button', { name: 'Remove IP rule 3' }).click();
      await dialog.getByLabel(/^Allowed endpoints/).fill('GET /v1/tickets/**\nPOST /v1/tickets');
      await dialog.getByRole('button', { name: 'Add metadata entry' }).click();
      await dialog.getByLabel('Key of metadata entry 1').fill('customer');
      await dialog.getByLabel('Value of metadata entry 1').fill('acme');
      await dialog.getByRole('button', { name: 'Add metadata entry' }).click();
      await dialog.getByLabel('Key of metadata entry 2').fill('tier');
      await dialog.getByLabel('Value of metadata entry 2').fill('gold');
      await dialog.getByLabel(/^Public id/).fill('pk_billing_sync');

      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await page.locator('dialog[open]').evaluate((element) => element.scrollTo(0, 0));
      await screenshot(page, 'create-key');
      const before = await keyCount();
      await dialog.getByRole('button', { name: 'Create key', exact: true }).click();

      const secretDialog = page.getByRole('dialog', { name: 'Key "Billing sync" created' });
      await secretDialog.waitFor();
      const key = (await secretDialog.getByTestId('secret-value').textContent())!;
      expect(key).toMatch(/^kw_pk_billing_sync/);
      expect(await keyCount()).toBe(before + 1);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'create-key-secret');

      // Exactly what was typed, as the API keeps it.
      expect(await keyByPublicId('pk_billing_sync')).toEqual({
        name: 'Billing sync',
        description: 'Pushes invoices to the ticket system',
        contactEmail: 'billing@example.test',
        group: { name: 'Ops' },
        owner: { id: ada.id },
        scopes: ['tickets:read', 'tickets:write'],
        endpoints: ['GET /v1/tickets/**', 'POST /v1/tickets'],
        expiresAt: expiry.iso,
        publicId: 'pk_billing_sync',
        maskedKey: expect.stringMatching(/^kw_…/),
        metadata: { customer: 'acme', tier: 'gold' },
        ipRules: [
          { cidr: '203.0.113.0/24', action: 'ALLOW', description: 'office' },
          { cidr: '203.0.113.9/32', action: 'DENY', description: 'old laptop' },
        ],
      });

      // The key shown verifies for a scope it was given, from an allowed address and endpoint …
      const granted = await verify(key, { scopes: ['tickets:write'], ip: '203.0.113.7', endpoint: 'GET /v1/tickets/42' });
      expect(granted).toMatchObject({ valid: true, code: 'VALID', metadata: { customer: 'acme', tier: 'gold' } });
      // … and is refused for one it was not.
      const refused = await verify(key, { scopes: ['reports:read'], ip: '203.0.113.7', endpoint: 'GET /v1/tickets/42' });
      expect(refused).toMatchObject({ valid: false, code: 'INSUFFICIENT_SCOPES' });

      // Copied with the button; the dialog stays until "I have stored it safely".
      await secretDialog.getByRole('button', { name: 'Copy api key' }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(key);
      expect(await secretDialog.getByRole('button', { name: 'Close' }).isDisabled()).toBe(true);
      await page.keyboard.press('Escape');
      expect(await secretDialog.isVisible()).toBe(true);

      const answers = recordAnswers(page);
      await secretDialog.getByRole('checkbox', { name: 'I have stored it safely' }).check();
      await secretDialog.getByRole('button', { name: 'Close' }).click();
      await secretDialog.waitFor({ state: 'detached' });
      await expect.poll(() => focusOnOpener(page)).toBe(true);

      // Afterwards: the list shows the key by its public id; its text is nowhere.
      await page.getByRole('cell', { name: 'pk_billing_sync' }).waitFor();
      await openDialog(page);
      await page.keyboard.press('Escape');
      await form(page).waitFor({ state: 'detached' });
      await page.reload();
      await page.getByRole('cell', { name: 'pk_billing_sync' }).waitFor();
      expect(await page.content()).not.toContain(key);
      const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
      expect(stored).not.toContain(key);
      expect(answers.length).toBeGreaterThan(3);
      for (const answer of answers) expect(answer).not.toContain(key);
      const later = await c.t.graphql(`{ apiKeys(first: 100) { edges { node { ${KEY_FIELDS} } } } }`, {}, { token: owner });
      expect(JSON.stringify(later)).not.toContain(key);
      expect(JSON.stringify(later)).toContain('pk_billing_sync');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('delivers by a one-time reveal link when asked: the link, not the key text, is shown once', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      await openDialog(page);
      const dialog = form(page);
      await dialog.getByLabel('Name', { exact: true }).fill('Handed over');
      await dialog.getByRole('checkbox', { name: 'Make a one-time reveal link instead of showing the key' }).check();
      await dialog.getByLabel('The link works for').selectOption({ label: '1 hour' });
      await dialog.getByRole('button', { name: 'Create key', exact: true }).click();
      const secretDialog = page.getByRole('dialog', { name: 'Key "Handed over" created' });
      await secretDialog.waitFor();
      const link = (await secretDialog.getByTestId('secret-value').textContent())!;
      expect(link).toMatch(/^http:\/\/.+\/reveal\//);
      const waiting = await fetch(link, { headers: { accept: 'application/json' } }).then((r) => r.json());
      expect(waiting.status).toBe('READY');
      expect(Date.parse(waiting.expiresAt) - Date.now()).toBeLessThanOrEqual(3_600_000);
      const revealed = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } }).then((r) => r.json());
      expect(revealed.key).toMatch(/^kw_/);
      expect(await page.content()).not.toContain(revealed.key);
      await secretDialog.getByRole('checkbox', { name: 'I have stored it safely' }).check();
      await secretDialog.getByRole('button', { name: 'Close' }).click();
      await secretDialog.waitFor({ state: 'detached' });
      expect(await page.content()).not.toContain(link);
      expect((await verify(revealed.key, {})).valid).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("bad input shows the API's words at the fields and creates nothing", async () => {
    const { context, page, problems } = await c.loggedIn();
    await c.t.app.db.prisma.tenant.update({ where: { id: c.tenant.id }, data: { maxKeyLifetimeSeconds: 30 * 86_400 } });
    try {
      const before = await keyCount();
      await openDialog(page);
      const dialog = form(page);
      // The presets beyond the tenant's maximum are not offered; a date is the API's to judge.
      expect(await dialog.getByRole('option', { name: '1 year', exact: true }).count()).toBe(0);
      expect(await dialog.getByRole('option', { name: '30 days', exact: true }).count()).toBe(1);
      const tooLate = await localDateTime(page, 40);
      await dialog.getByLabel('Expires', { exact: true }).selectOption({ label: 'Custom date and time…' });
      await dialog.getByLabel('Expires at (your local time)').fill(tooLate.text);
      await dialog.getByRole('button', { name: 'Add IP rule' }).click();
      await dialog.getByLabel('Address or CIDR of IP rule 1').fill('300.1.2.3/40');
      await dialog.getByRole('button', { name: 'Create key', exact: true }).click();

      // What the API answers for the same input, word for word, next to each field.
      const api = await c.t.graphql(
        `mutation ($input: CreateKeyInput!) { createKey(input: $input) { __typename ... on ValidationError { fieldErrors { path message } } } }`,
        { input: { name: '', ipRules: [{ cidr: '300.1.2.3/40', action: 'ALLOW' }], expiresAt: tooLate.iso } },
        { token: owner },
      );
      const fieldErrors: { path: string[]; message: string }[] = api.data.createKey.fieldErrors;
      const apiSays = (field: string) => fieldErrors.find((e) => e.path.join('.') === field)!.message;
      expect(apiSays('input.name')).toBeTruthy();
      const name = dialog.getByLabel('Name', { exact: true });
      const cidr = dialog.getByLabel('Address or CIDR of IP rule 1');
      await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#ck-name-error').textContent()).toBe(apiSays('input.name'));
      expect(await cidr.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator(`#${await cidr.getAttribute('id')}-error`).textContent()).toBe(apiSays('input.ipRules.0.cidr'));
      expect(await dialog.getByRole('alert').textContent()).toContain('Nothing was created');
      // The focus is on the first field the API named.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('ck-name');
      expect(await keyCount()).toBe(before);

      // With those fixed, the API judges the expiry: beyond the tenant's maximum.
      await name.fill('Too long lived');
      await cidr.fill('198.51.100.0/24');
      await dialog.getByRole('button', { name: 'Create key', exact: true }).click();
      const expiresAt = dialog.getByLabel('Expires at (your local time)');
      await expect.poll(() => expiresAt.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#ck-expires-at-error').textContent()).toBe("expiresAt must be at most 30 days from now (the tenant's maximum key lifetime)");
      expect(await name.getAttribute('aria-invalid')).toBeNull();
      expect(await keyCount()).toBe(before);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await page.locator('dialog[open]').evaluate((element) => element.scrollTo(0, 0));
      await screenshot(page, 'create-key-errors');
      expect(problems).toEqual([]);
    } finally {
      await c.t.app.db.prisma.tenant.update({ where: { id: c.tenant.id }, data: { maxKeyLifetimeSeconds: null } });
      await context.close();
    }
  });

  it("a member whose role lacks keys:write sees the API's refusal, and nothing is created", async () => {
    const member = await c.tenant.addMember('ADMIN');
    await setPassword(c.t, member.id, PASSWORD);
    const { context, page, problems } = await c.loggedIn({ email: member.email });
    try {
      await openDialog(page);
      await form(page).getByLabel('Name', { exact: true }).fill('Not allowed');
      // The member's role changes (through the API, which ends cached sessions' old scopes) while
      // the dialog is open: the API, not the page, decides.
      const changed = await gql('mutation ($input: UpdateMemberInput!) { updateMember(input: $input) { __typename } }', { input: { id: member.id, roleId: c.tenant.roles.MEMBER } });
      expect(changed.updateMember.__typename).toBe('MemberPayload');
      const before = await keyCount();
      await form(page).getByRole('button', { name: 'Create key', exact: true }).click();
      const alert = form(page).getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/You are not allowed to do this\. It needs keys:write, which your role does not hold\./);
      expect(await keyCount()).toBe(before);
      expect(await form(page).isVisible()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('can be filled, submitted, copied, acknowledged and closed with the keyboard alone; the focus stays in the dialog and returns to the button', async () => {
    const { context, page, problems } = await c.loggedIn();
    try {
      const focused: string[] = [];
      /** Where the focus is: `in-dialog:<id or text>`, `outside:<…>` or `body`. */
      const where = () =>
        page.evaluate(() => {
          const active = document.activeElement;
          if (!active || active === document.body) return 'body';
          const name = active.id || active.getAttribute('aria-label') || (active.closest('label') ?? active).textContent?.trim().slice(0, 40) || active.tagName;
          return `${active.closest('dialog[open]') ? 'in-dialog' : 'outside'}:${name}`;
        });
      /** Presses Tab (or Shift+Tab) until `want` has the focus; every stop on the way is noted. */
      const tabTo = async (want: string, key = 'Tab') => {
        for (let i = 0; i < 60; i++) {
          await page.keyboard.press(key);
          const now = await where();
          focused.push(now);
          if (now === want) return;
        }
        throw new Error(`Never reached ${want}; went through ${focused.slice(-60).join(', ')}`);
      };

      await tabTo('outside:Create key');
      // Escape closes it, and the focus is back on the button.
      await page.keyboard.press('Enter');
      await form(page).waitFor();
      await expect.poll(where).toBe('in-dialog:ck-name');
      await page.keyboard.press('Escape');
      await form(page).waitFor({ state: 'detached' });
      expect(await focusOnOpener(page)).toBe(true);

      await page.keyboard.press('Enter');
      await form(page).waitFor();
      await form(page).getByText("Loading the tenant's groups, members and scopes…").waitFor({ state: 'detached' });
      await expect.poll(where).toBe('in-dialog:ck-name');
      focused.length = 0;
      await page.keyboard.type('Keyboard key');
      await tabTo('in-dialog:ck-contact');
      await page.keyboard.type('keys@example.test');
      await tabTo('in-dialog:ck-description');
      await page.keyboard.type('Made without a mouse');
      await tabTo('in-dialog:ck-group');
      await page.keyboard.type('Ops');
      await tabTo('in-dialog:ck-scope-tickets:write');
      await page.keyboard.press('Space');
      await tabTo('in-dialog:ck-expiry');
      await page.keyboard.type('5');
      await tabTo('in-dialog:Add IP rule');
      await page.keyboard.press('Enter');
      await expect.poll(where).toMatch(/^in-dialog:ck-ip-\d+-cidr$/);
      await page.keyboard.type('198.51.100.0/24');
      await tabTo('in-dialog:Action of IP rule 1');
      await page.keyboard.type('D');
      await tabTo('in-dialog:Note of IP rule 1');
      await page.keyboard.type('partner');
      await tabTo('in-dialog:ck-endpoints');
      await page.keyboard.type('GET /v1/**');
      await tabTo('in-dialog:Add metadata entry');
      await page.keyboard.press('Enter');
      await expect.poll(where).toMatch(/^in-dialog:ck-meta-\d+-key$/);
      await page.keyboard.type('team');
      await tabTo('in-dialog:Value of metadata entry 1');
      await page.keyboard.type('billing');
      // Round the dialog once: the focus never leaves it.
      await tabTo('in-dialog:ck-name');
      await tabTo('in-dialog:Create key');
      await tabTo('in-dialog:Create key', 'Shift+Tab');
      expect(focused.filter((stop) => !stop.startsWith('in-dialog:') && stop !== 'body')).toEqual([]);

      const before = await keyCount();
      await page.keyboard.press('Enter');
      const secretDialog = page.getByRole('dialog', { name: 'Key "Keyboard key" created' });
      await secretDialog.waitFor();
      expect(await keyCount()).toBe(before + 1);
      const key = (await secretDialog.getByTestId('secret-value').textContent())!;
      await expect.poll(where).toBe('in-dialog:Copy api key');
      await page.keyboard.press('Space');
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(key);
      // Not before "I have stored it safely".
      await page.keyboard.press('Escape');
      expect(await secretDialog.isVisible()).toBe(true);
      await tabTo('in-dialog:I have stored it safely');
      await page.keyboard.press('Space');
      await tabTo('in-dialog:Close');
      await page.keyboard.press('Enter');
      await secretDialog.waitFor({ state: 'detached' });
      await expect.poll(() => focusOnOpener(page)).toBe(true);
      expect(focused.filter((stop) => !stop.startsWith('in-dialog:') && stop !== 'body')).toEqual([]);

      const row = await c.t.app.db.prisma.apiKey.findFirstOrThrow({ where: { tenantId: c.tenant.id, name: 'Keyboard key' } });
      const made = await keyByPublicId(row.publicId);
      expect(made).toMatchObject({
        name: 'Keyboard key',
        description: 'Made without a mouse',
        contactEmail: 'keys@example.test',
        group: { name: 'Ops' },
        owner: { id: c.tenant.owner.id },
        scopes: ['tickets:read', 'tickets:write'],
        endpoints: ['GET /v1/**'],
        metadata: { team: 'billing' },
        ipRules: [{ cidr: '198.51.100.0/24', action: 'DENY', description: 'partner' }],
      });
      const lifetime = new Date(made.expiresAt).getTime() - row.createdAt.getTime();
      expect(Math.abs(lifetime - 5 * 86_400_000)).toBeLessThan(60_000);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
