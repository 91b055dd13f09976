import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, verifyKey, type TestKey } from '../harness/keys.ts';
import { newId } from '../../src/domain/ids.ts';

// The management API accepts keys (and their access tokens) through the same pipeline: the key's
// effective scopes become the caller's scopes.

let t: TestApp;
let tenant: TestTenant;
let writer: TestKey;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.app, 'Automation');
  writer = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read', 'keys:write', 'keys:verify'] });
});
afterAll(() => t.close());

const VIEWER = '{ viewer { kind tenantId scopes } }';
const viewerWith = (headers: Record<string, string>, path = '/graphql') =>
  t.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: VIEWER }) }).then(async (r) => ({ status: r.status, body: await r.json() }));

describe('credential forms', () => {
  it('Bearer, X-API-Key, Basic public-id:secret (or :full key text) and rest_api_key= all resolve to the key as caller', async () => {
    const forms: Record<string, string>[] = [
      { authorization: `Bearer ${writer.text}` },
      { 'x-api-key': writer.text },
      { authorization: `Basic ${Buffer.from(`${writer.publicId}:${writer.secret}`).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(`${writer.publicId}:${writer.text}`).toString('base64')}` },
      { authorization: `rest_api_key=${writer.text}` },
    ];
    for (const headers of forms) {
      const { status, body } = await viewerWith(headers);
      expect(status, JSON.stringify(Object.keys(headers))).toBe(200);
      expect(body.data.viewer).toEqual({ kind: 'API_KEY', tenantId: tenant.id, scopes: ['keys:read', 'keys:verify', 'keys:write'] });
    }
  });

  it("Basic with another key's full text as the password is refused, never taken for that key", async () => {
    const other = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'] });
    for (const [publicId, password] of [[writer.publicId, other.text], [other.publicId, writer.text]]) {
      const { status } = await viewerWith({ authorization: `Basic ${Buffer.from(`${publicId}:${password}`).toString('base64')}` });
      expect(status).toBe(401);
    }
  });

  it("the caller's scopes are the key's effective scopes (never more than its owner's role)", async () => {
    const viewer = await tenant.addMember('VIEWER');
    const k = await createTestKey(t.app, tenant.id, { ownerId: viewer.id, scopes: ['keys:read', 'keys:write'] });
    const { body } = await viewerWith({ authorization: `Bearer ${k.text}` });
    expect(body.data.viewer.scopes).toEqual(['keys:read']);
  });

  it('rest_api_key as a query parameter only where the tenant allows it', async () => {
    const refused = await viewerWith({}, `/graphql?rest_api_key=${encodeURIComponent(writer.text)}`);
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].message).toMatch(/query parameter is accepted only where its tenant allows it/);
    await t.app.db.prisma.tenant.update({ where: { id: tenant.id }, data: { allowQueryParamKey: true } });
    await t.app.invalidation.invalidate({ tenantId: tenant.id });
    try {
      const accepted = await viewerWith({}, `/graphql?rest_api_key=${encodeURIComponent(writer.text)}`);
      expect(accepted.body.data.viewer.kind).toBe('API_KEY');
    } finally {
      await t.app.db.prisma.tenant.update({ where: { id: tenant.id }, data: { allowQueryParamKey: false } });
      await t.app.invalidation.invalidate({ tenantId: tenant.id });
    }
  });

  it('refuses a wrong secret, an unknown key, a revoked key with 401 UNAUTHENTICATED', async () => {
    const revoked = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'], status: 'REVOKED' });
    for (const text of [writer.text.replace(writer.secret, writer.secret.toLowerCase()), revoked.text, 'kw_pk_unknownunknown00000000000000000000000000000000000']) {
      const { status, body } = await viewerWith({ authorization: `Bearer ${text}` });
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toMatch(/UNAUTHENTICATED|BAD_REQUEST/);
    }
  });

  it('refuses every key of a tenant whose API is switched off, or that is suspended', async () => {
    const other = await createTenant(t.app, 'Switchable');
    const k = await createTestKey(t.app, other.id, { ownerId: other.owner.id, scopes: ['keys:read'] });
    expect((await viewerWith({ authorization: `Bearer ${k.text}` })).status).toBe(200);
    for (const data of [{ apiEnabled: false }, { apiEnabled: true, status: 'SUSPENDED' as const }]) {
      await t.app.db.prisma.tenant.update({ where: { id: other.id }, data });
      await t.app.invalidation.invalidate({ tenantId: other.id });
      expect((await viewerWith({ authorization: `Bearer ${k.text}` })).status).toBe(401);
    }
  });

  it('checks IP rules against the request address', async () => {
    const k = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'], ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });
    const request = (ip: string) =>
      t.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${k.text}` }, body: JSON.stringify({ query: VIEWER }) }, { ip });
    expect((await request('10.1.1.1')).status).toBe(200);
    expect((await request('192.0.2.1')).status).toBe(401);
  });
});

describe('provisioning with a key', () => {
  it('a keys:write key creates a key, which then verifies', async () => {
    // A bot member whose role holds just what automation needs; its key acts for it.
    const roleId = newId('rol');
    await t.app.db.prisma.role.create({ data: { id: roleId, tenantId: tenant.id, name: 'automation', scopes: ['keys:read', 'keys:write', 'keys:verify'] } });
    const bot = await tenant.addMember({ roleId });
    const botKey = await createTestKey(t.app, tenant.id, { ownerId: bot.id, scopes: ['keys:read', 'keys:write', 'keys:verify'] });
    const created = await t.graphql(
      `mutation ($input: CreateKeyInput!) { createKey(input: $input) { __typename ... on CreateKeyPayload { secret apiKey { id } } ... on Error { message } } }`,
      { input: { name: 'provisioned', ownerId: bot.id, scopes: ['keys:read'] } },
      { token: botKey.text },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createKey.__typename).toBe('CreateKeyPayload');
    const text: string = created.data.createKey.secret;
    const verdict = await verifyKey(t, writer.text, { key: text, scopes: ['keys:read'] });
    expect(verdict.body).toMatchObject({ valid: true, keyId: created.data.createKey.apiKey.id });
  });
});
