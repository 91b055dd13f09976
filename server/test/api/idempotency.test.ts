import { describe, expect, it } from 'vitest';
import { createTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';
import { typedDocument } from '../harness/operation.ts';
import { sha256Hex } from '../../src/domain/secrets.ts';
import { purgeExpiredIdempotency } from '../../src/services/idempotency.ts';
import { CREATE, START, addScopes, auditEvents, t, useKeysApp } from './keys/support.ts';

useKeysApp();

const CREATE_KEYS = typedDocument<{ createKeys: { __typename: string; results?: { created: { key: string; apiKey: { id: string } } | null }[] } }, { input: { items: { name: string }[] } }>(
  `mutation($input: CreateKeysInput!) { createKeys(input: $input) { __typename ... on CreateKeysPayload { results { created { key apiKey { id } } } } } }`);

const send = (token: string, key: string | null, name = 'retried') =>
  t.executeOperation(CREATE, { input: { name } }, { headers: { authorization: `Bearer ${token}`, ...(key !== null && { 'idempotency-key': key }) } });

const keyCount = (tenantId: string) => t.app.db.prisma.apiKey.count({ where: { tenantId } });

describe('Idempotency-Key on GraphQL mutations', () => {
  it('the same key and request replays the first answer, secret included, without a second key or audit event', async () => {
    const a = await createTenant(t.app);
    const key = crypto.randomUUID();
    const first = await send(a.owner.token, key);
    expect(first.status).toBe(200);
    const again = await send(a.owner.token, key);
    expect(again.data).toEqual(first.data);
    expect(again.body).toContain('"idempotentReplay":true');
    expect(await keyCount(a.id)).toBe(1);
    expect((await auditEvents(a.id)).filter((e) => e.action === 'key.created')).toHaveLength(1);
    // Without the header, or with another key, it runs again.
    await send(a.owner.token, null);
    await send(a.owner.token, crypto.randomUUID());
    expect(await keyCount(a.id)).toBe(3);
  });

  it('the database holds the key only as a hash and the answer only encrypted', async () => {
    const a = await createTenant(t.app);
    const key = crypto.randomUUID();
    const first = await send(a.owner.token, key);
    const secret = (first.data as any).createKey.key as string;
    const rows = await t.app.db.prisma.idempotencyRecord.findMany({ where: { principal: `member:${a.owner.id}` } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.keyHash).toBe(sha256Hex(key));
    const stored = Buffer.from(JSON.stringify(rows[0], (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)), 'latin1');
    for (const needle of [secret, secret.slice(-16), key, Buffer.from(secret).toString('base64').slice(0, 24)]) {
      expect(stored.includes(needle)).toBe(false);
    }
    expect(Buffer.from(rows[0]!.response!).includes(secret.slice(-16))).toBe(false);
    expect(t.logs.text()).not.toContain(secret.slice(-16));
  });

  it('the same key with another request is a 409 CONFLICT, and nothing runs', async () => {
    const a = await createTenant(t.app);
    const key = crypto.randomUUID();
    await send(a.owner.token, key, 'one');
    const other = await send(a.owner.token, key, 'two');
    expect(other.status).toBe(409);
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'Idempotency-Key' });
    expect(await keyCount(a.id)).toBe(1);
  });

  it("another tenant's request under the same key is its own", async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const key = crypto.randomUUID();
    const fromA = await send(a.owner.token, key);
    const fromB = await send(b.owner.token, key);
    expect(fromB.body).not.toContain('idempotentReplay');
    expect((fromB.data as any).createKey.key).not.toBe((fromA.data as any).createKey.key);
    expect([await keyCount(a.id), await keyCount(b.id)]).toEqual([1, 1]);
  });

  it('a request that changed nothing (a typed error) is not kept: the same key may run once fixed', async () => {
    const a = await createTenant(t.app);
    const key = crypto.randomUUID();
    const input = { name: 'scoped', scopes: ['tickets:read'] };
    const headers = { authorization: `Bearer ${a.owner.token}`, 'idempotency-key': key };
    const refused = await t.executeOperation(CREATE, { input }, { headers });
    expect((refused.data as any).createKey.__typename).toBe('ValidationError');
    await addScopes(a, ['tickets:read']);
    const done = await t.executeOperation(CREATE, { input }, { headers });
    expect((done.data as any).createKey.__typename).toBe('CreateKeyPayload');
    expect(await keyCount(a.id)).toBe(1);
  });

  it('a bulk createKeys replays every item, with no second set of keys', async () => {
    const a = await createTenant(t.app);
    const headers = { authorization: `Bearer ${a.owner.token}`, 'idempotency-key': crypto.randomUUID() };
    const input = { items: [{ name: 'x' }, { name: 'y' }, { name: 'z' }] };
    const first = await t.executeOperation(CREATE_KEYS, { input }, { headers });
    const again = await t.executeOperation(CREATE_KEYS, { input }, { headers });
    expect(first.data?.createKeys.results).toHaveLength(3);
    expect(again.data).toEqual(first.data);
    expect(await keyCount(a.id)).toBe(3);
  });

  it('refuses an empty, a too long or a non-ASCII key; ignores one from an anonymous caller', async () => {
    const a = await createTenant(t.app);
    for (const bad of ['', 'k'.repeat(256), 'schlüssel']) {
      const response = await t.graphql('mutation { createKey(input: { name: "x" }) { __typename } }', {}, { headers: { authorization: `Bearer ${a.owner.token}`, 'idempotency-key': bad } });
      expect(response.status, bad).toBe(400);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    }
    const longest = await send(a.owner.token, 'k'.repeat(255));
    expect((longest.data as any).createKey.key).toBeTruthy();
    const anonymous = await t.graphql('mutation { login(input: { tenantSlug: "x", email: "a@b.c", password: "p" }) { __typename } }', {}, { headers: { 'idempotency-key': 'abc' } });
    expect(anonymous.body).not.toContain('Idempotency-Key');
    expect(await t.app.db.prisma.idempotencyRecord.count({ where: { principal: { startsWith: 'anonymous' } } })).toBe(0);
    expect(await keyCount(a.id)).toBe(1);
  });

  it('a record lives 24 hours: after that the key runs again, and expired records are purged', async () => {
    const a = await createTenant(t.app);
    const key = crypto.randomUUID();
    await send(a.owner.token, key);
    // 24 hours on (the fixture session would not live that long on the app's clock).
    await t.app.db.prisma.idempotencyRecord.updateMany({ where: { keyHash: sha256Hex(key) }, data: { expiresAt: new Date(START - 1000) } });
    const later = await send(a.owner.token, key);
    expect(later.body).not.toContain('idempotentReplay');
    expect(await keyCount(a.id)).toBe(2);
    expect(await purgeExpiredIdempotency(t.app.db.prisma, new Date(Date.now() + 3 * 24 * 3600_000))).toBeGreaterThanOrEqual(1);
    expect(await t.app.db.prisma.idempotencyRecord.count({ where: { principal: `member:${a.owner.id}` } })).toBe(0);
  });
});

describe('Idempotency-Key on the OAuth writes', () => {
  const basic = (key: { publicId: string; secret: string }) => `Basic ${Buffer.from(`${key.publicId}:${key.secret}`).toString('base64')}`;
  const post = async (path: '/oauth/token' | '/oauth/revoke', authorization: string, params: Record<string, string>, idempotencyKey: string | null) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', authorization };
    if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
    const response = await t.fetch(path, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, text };
  };
  const token = (client: TestKey, key: string | null, scope?: string) =>
    post('/oauth/token', basic(client), { grant_type: 'client_credentials', ...(scope && { scope }) }, key);
  const tokenRows = (client: TestKey) => t.app.db.prisma.accessToken.count({ where: { apiKeyId: client.id } });

  it('/oauth/token: the same client, key and scopes get the same token once; other scopes are a conflict', async () => {
    const a = await createTenant(t.app);
    const client = await createTestKey(t.app, a.id, { ownerId: a.owner.id, scopes: ['keys:read'] });
    const key = crypto.randomUUID();
    const first = await token(client, key);
    expect(first.status).toBe(200);
    const again = await token(client, key);
    expect(again.status).toBe(200);
    expect(again.body.access_token).toBe(first.body.access_token);
    expect(await tokenRows(client)).toBe(1);
    expect((await auditEvents(a.id)).filter((e) => e.action === 'accessToken.issued')).toHaveLength(1);

    const conflict = await token(client, key, 'keys:read');
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toBe('invalid_request');
    expect(conflict.text).not.toContain(first.body.access_token);
    expect(await tokenRows(client)).toBe(1);

    // The token text is kept only encrypted, the key only hashed.
    const rows = await t.app.db.prisma.idempotencyRecord.findMany({ where: { principal: `key:${client.id}` } });
    expect(rows).toHaveLength(1);
    const stored = Buffer.from(rows[0]!.response!).toString('latin1') + JSON.stringify({ ...rows[0], response: null });
    expect(stored).not.toContain(first.body.access_token);
    expect(stored).not.toContain(key);
  });

  it('/oauth/token: a replay needs the client proven, and another client or tenant with the same key is apart', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const client = await createTestKey(t.app, a.id, { ownerId: a.owner.id, scopes: ['keys:read'] });
    const sibling = await createTestKey(t.app, a.id, { ownerId: a.owner.id, scopes: ['keys:read'] });
    const foreign = await createTestKey(t.app, b.id, { ownerId: b.owner.id, scopes: ['keys:read'] });
    const key = crypto.randomUUID();
    const first = await token(client, key);
    // The wrong secret with the right key: refused, nothing replayed.
    const wrong = await post('/oauth/token', basic({ publicId: client.publicId, secret: `${client.secret.slice(0, -1)}x` }), { grant_type: 'client_credentials' }, key);
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(first.body.access_token);
    // The same Idempotency-Key from another client, of this tenant or another: its own token.
    for (const other of [sibling, foreign]) {
      const answer = await token(other, key);
      expect(answer.status).toBe(200);
      expect(answer.body.access_token).not.toBe(first.body.access_token);
      expect(await tokenRows(other)).toBe(1);
    }
  });

  it('/oauth/revoke: replayed once; a malformed key is invalid_request and changes nothing', async () => {
    const a = await createTenant(t.app);
    const client = await createTestKey(t.app, a.id, { ownerId: a.owner.id, scopes: ['keys:read'] });
    const issued = (await token(client, null)).body.access_token as string;
    const key = crypto.randomUUID();
    expect((await post('/oauth/revoke', basic(client), { token: issued }, key)).status).toBe(200);
    expect((await post('/oauth/revoke', basic(client), { token: issued }, key)).status).toBe(200);
    expect((await auditEvents(a.id)).filter((e) => e.action === 'accessToken.revoked')).toHaveLength(1);
    expect((await post('/oauth/revoke', basic(client), { token: 'kwt_other' }, key)).status).toBe(409);

    const before = await tokenRows(client);
    const bad = await token(client, 'k'.repeat(256));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
    expect(await tokenRows(client)).toBe(before);
  });
});
