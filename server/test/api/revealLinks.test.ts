import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/domain/secrets.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, verifyKey, type TestKey } from '../harness/keys.ts';

// Single-use reveal links: createKey/rotateKey with delivery REVEAL_LINK answer a link instead of
// the key text; GET shows a Reveal button (never uses the link up), POST shows the text once.

const START = Math.floor(Date.now() / 1000) * 1000;
let nowMs = START;
const clock = () => new Date(nowMs);

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let verifier: TestKey;

beforeAll(async () => {
  t = await createTestApp({ clock });
  tenant = await createTenant(t.app, 'Revealing');
  other = await createTenant(t.app, 'Other');
  verifier = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
}, 240_000);
afterAll(async () => t?.close());
beforeEach(() => { nowMs = START; });

const ISSUED = 'key clientId clientSecret secret revealUrl revealLinkExpiresAt apiKey { id publicId }';
const CREATE = `mutation($input: CreateKeyInput!) { createKey(input: $input) { __typename ... on CreateKeyPayload { ${ISSUED} } ... on ValidationError { fieldErrors { path message } } } }`;
const ROTATE = `mutation($input: RotateKeyInput!) { rotateKey(input: $input) { __typename ... on RotateKeyPayload { ${ISSUED} } ... on NotFoundError { message } } }`;

async function createByLink(extra: Record<string, unknown> = {}, token = tenant.owner.token) {
  const answer = await t.graphql(CREATE, { input: { name: 'handed over', delivery: 'REVEAL_LINK', ...extra } }, { token });
  expect(answer.data?.createKey.__typename, answer.body).toBe('CreateKeyPayload');
  return { ...answer.data.createKey, body: answer.body };
}

const pathOf = (url: string) => new URL(url).pathname;
const tokenOf = (url: string) => pathOf(url).split('/').pop()!;
const open = (url: string, headers: Record<string, string> = {}, method = 'POST') =>
  t.fetch(pathOf(url), { method, headers: { accept: 'application/json', 'user-agent': 'reveal-test/1.0', ...headers } }, { ip: '203.0.113.9' });

async function revealedKey(url: string): Promise<string> {
  const response = await open(url);
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.key;
}

async function expectGone(url: string) {
  for (const method of ['GET', 'POST']) {
    const response = await open(url, {}, method);
    expect(response.status, method).toBe(410);
    expect((await response.json()).error.code).toBe('GONE');
  }
}

describe('reveal links', () => {
  it('answer a link instead of the key text, show the key once, then 410', async () => {
    const created = await createByLink();
    expect(created).toMatchObject({ key: null, secret: null, clientSecret: null });
    expect(created.revealUrl).toMatch(/^http:\/\/keywarden\.test\/v1\/reveal\/[A-Za-z0-9_-]{43}$/);
    expect(new Date(created.revealLinkExpiresAt).getTime()).toBe(START + 86_400_000);

    // GET, HEAD and a browser's GET never use it up.
    const head = await open(created.revealUrl, {}, 'HEAD');
    expect(head.status).toBe(200);
    const page = await open(created.revealUrl, { accept: 'text/html' }, 'GET');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    expect(html).not.toMatch(/<script(?![^>]*src=)/);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await (await open(created.revealUrl, {}, 'GET')).json()).toMatchObject({ status: 'READY' });

    const key = await revealedKey(created.revealUrl);
    expect(key).toMatch(/^kw_/);
    expect(html).not.toContain(key);
    const verified = await verifyKey(t, verifier.text, { key });
    expect(verified.body).toMatchObject({ valid: true, keyId: created.apiKey.id });
    await expectGone(created.revealUrl);
  });

  it('keep only ciphertext and a token hash: the row alone cannot reveal the key', async () => {
    const created = await createByLink();
    const token = tokenOf(created.revealUrl);
    const [row] = await t.app.db.prisma.revealLink.findMany({ where: { apiKeyId: created.apiKey.id } });
    expect(row!.tokenHash).toBe(sha256Hex(token));
    const key = await revealedKey(created.revealUrl);
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(-12));
    expect(stored).not.toContain(token);
    // Opened: what was kept is wiped.
    const after = await t.app.db.prisma.revealLink.findUniqueOrThrow({ where: { id: row!.id } });
    expect(after).toMatchObject({ ciphertext: null, salt: null, iv: null });
    expect(after.revealedAt).not.toBeNull();
  });

  it('audit the opening with address and user agent, never the key text or token', async () => {
    const created = await createByLink();
    const key = await revealedKey(created.revealUrl);
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { targetId: created.apiKey.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['key.created', 'key.revealed']);
    expect(events[1]).toMatchObject({ ip: '203.0.113.9', userAgent: 'reveal-test/1.0', actorType: 'SYSTEM' });
    const text = JSON.stringify(events);
    expect(text).not.toContain(key);
    expect(text).not.toContain(tokenOf(created.revealUrl));
    expect(t.logs.text()).not.toContain(key);
  });

  it('answer unknown and malformed tokens as used ones: 410, no oracle', async () => {
    await expectGone(`http://x/v1/reveal/${'A'.repeat(43)}`);
    await expectGone('http://x/v1/reveal/not-a-token');
  });

  it('expire unopened', async () => {
    const created = await createByLink({ revealLinkTtlSeconds: 60 });
    expect(new Date(created.revealLinkExpiresAt).getTime()).toBe(START + 60_000);
    nowMs = START + 60_000;
    await expectGone(created.revealUrl);
  });

  it('end when the key is rotated, disabled, revoked or deleted', async () => {
    const rotated = await createByLink();
    const rotation = await t.graphql(ROTATE, { input: { id: rotated.apiKey.id, delivery: 'REVEAL_LINK' } }, { token: tenant.owner.token });
    expect(rotation.data.rotateKey).toMatchObject({ __typename: 'RotateKeyPayload', key: null });
    await expectGone(rotated.revealUrl);
    const newKey = await revealedKey(rotation.data.rotateKey.revealUrl);
    expect((await verifyKey(t, verifier.text, { key: newKey })).body).toMatchObject({ valid: true });

    const disabled = await createByLink();
    await t.graphql(`mutation($id: ID!) { disableKey(id: $id) { __typename } }`, { id: disabled.apiKey.id }, { token: tenant.owner.token });
    await t.graphql(`mutation($id: ID!) { enableKey(id: $id) { __typename } }`, { id: disabled.apiKey.id }, { token: tenant.owner.token });
    await expectGone(disabled.revealUrl);

    const revoked = await createByLink();
    await t.graphql(`mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { __typename } }`, { input: { id: revoked.apiKey.id, reason: 'leaked' } }, { token: tenant.owner.token });
    await expectGone(revoked.revealUrl);

    const deleted = await createByLink();
    await t.graphql(`mutation($id: ID!) { deleteKey(id: $id) { __typename } }`, { id: deleted.apiKey.id }, { token: tenant.owner.token });
    await expectGone(deleted.revealUrl);
  });

  it('refuse bad inputs, and change nothing', async () => {
    const before = await t.app.db.prisma.revealLink.count();
    for (const [input, path] of [
      [{ delivery: 'REVEAL_LINK', revealLinkTtlSeconds: 0 }, 'revealLinkTtlSeconds'],
      [{ delivery: 'REVEAL_LINK', revealLinkTtlSeconds: 7 * 86_400 + 1 }, 'revealLinkTtlSeconds'],
      [{ revealLinkTtlSeconds: 3600 }, 'revealLinkTtlSeconds'],
    ] as const) {
      const answer = await t.graphql(CREATE, { input: { name: 'bad', ...input } }, { token: tenant.owner.token });
      expect(answer.data?.createKey.__typename, answer.body).toBe('ValidationError');
      expect(answer.data.createKey.fieldErrors[0].path).toContain(path);
    }
    expect(await t.app.db.prisma.revealLink.count()).toBe(before);
  });

  it("cannot make a link for another tenant's key", async () => {
    const theirs = await createTestKey(t.app, other.id, { ownerId: other.owner.id });
    const answer = await t.graphql(ROTATE, { input: { id: theirs.id, delivery: 'REVEAL_LINK' } }, { token: tenant.owner.token });
    expect(answer.data.rotateKey.__typename).toBe('NotFoundError');
    expect(await t.app.db.prisma.revealLink.count({ where: { apiKeyId: theirs.id } })).toBe(0);
  });

  it('refuse a cross-site form post without using the link up', async () => {
    const created = await createByLink();
    const response = await open(created.revealUrl, { 'sec-fetch-site': 'cross-site' });
    expect(response.status).toBe(403);
    expect(await revealedKey(created.revealUrl)).toMatch(/^kw_/);
  });

  it('reveal once to one of two concurrent openers', async () => {
    const created = await createByLink();
    const answers = await Promise.all([open(created.revealUrl), open(created.revealUrl), open(created.revealUrl)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410, 410]);
    expect(await t.app.db.prisma.auditEvent.count({ where: { targetId: created.apiKey.id, action: 'key.revealed' } })).toBe(1);
  });

  it('work for bulk createKeys items', async () => {
    const answer = await t.graphql(
      `mutation($input: CreateKeysInput!) { createKeys(input: $input) { __typename ... on CreateKeysPayload { results { created { key revealUrl } } } } }`,
      { input: { items: [{ name: 'linked', delivery: 'REVEAL_LINK' }, { name: 'plain' }] } },
      { token: tenant.owner.token },
    );
    const [linked, plain] = answer.data.createKeys.results.map((r: any) => r.created);
    expect(linked.key).toBeNull();
    expect(plain.revealUrl).toBeNull();
    expect(await revealedKey(linked.revealUrl)).toMatch(/^kw_/);
  });
});
