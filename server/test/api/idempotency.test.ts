import { describe, expect, it } from 'vitest';
import { createTenant } from '../harness/fixtures.ts';
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
