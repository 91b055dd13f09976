import { describe, expect, it } from 'vitest';
import { createTenant } from '../../harness/fixtures.ts';
import { newId } from '../../../src/domain/ids.ts';
import type { ApiKeyFilter } from '@keywarden/sdk/graphql';
import { EXPLAIN, GET, LIST, REVOKE, START, addScopes, at, call, issue, t, useKeysApp } from './support.ts';

useKeysApp();

describe('reading keys', () => {
  it('apiKey(id) and node(id) return the key; another tenant gets NOT_FOUND and null', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const { apiKey } = await issue(a, { name: 'readable' });

    expect((await call(GET, { id: apiKey.id }, a.owner.token))?.name).toBe('readable');
    const node = await t.graphql(`query($id: ID!) { node(id: $id) { __typename ... on ApiKey { publicId } } }`, { id: apiKey.id }, { token: a.owner.token });
    expect(node.data?.node).toEqual({ __typename: 'ApiKey', publicId: apiKey.publicId });

    const foreign = await t.executeOperation(GET, { id: apiKey.id }, { token: b.owner.token });
    expect(foreign.data?.apiKey).toBeNull();
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const foreignNode = await t.graphql(`query($id: ID!) { node(id: $id) { id } }`, { id: apiKey.id }, { token: b.owner.token });
    expect(foreignNode.data?.node).toBeNull();
    expect(foreignNode.body).not.toContain(apiKey.publicId);
  });

  it("a cursor naming another tenant's key is NOT_FOUND", async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    await issue(a);
    await issue(b);
    const page = await call(LIST, { first: 1 }, a.owner.token);
    const cursor = page.edges[0]!.cursor;
    const foreign = await t.executeOperation(LIST, { first: 1, after: cursor }, { token: b.owner.token });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(foreign.data?.apiKeys ?? null).toBeNull();
  });

  it('pages through the tenant only, oldest first', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await issue(a, { name: `k${i}` })).apiKey.id);
    await issue(b);
    const first = await call(LIST, { first: 2 }, a.owner.token);
    expect(first.edges.map((e) => e.node.id)).toEqual(ids.slice(0, 2));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await call(LIST, { first: 2, after: first.pageInfo.endCursor }, a.owner.token);
    expect(second.edges.map((e) => e.node.id)).toEqual(ids.slice(2));
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by status, group, owner, scope, expiry and text', async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read']);
    const member = await a.addMember('ADMIN');
    const group = await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: a.id, name: 'g' } });
    const plain = (await issue(a, { name: 'Plain', description: 'nothing special' })).apiKey;
    const grouped = (await issue(a, { name: 'Grouped', groupId: group.id, scopes: ['tickets:read'] })).apiKey;
    const owned = (await issue(a, { name: 'Owned', ownerId: member.id, publicId: 'pk_Findable_Id' })).apiKey;
    const soon = (await issue(a, { name: 'Soon', expiresAt: new Date(START + 60_000).toISOString(), description: 'CRM Sync job' })).apiKey;
    const disabled = (await issue(a, { name: 'Off', status: 'DISABLED' })).apiKey;
    const revoked = (await issue(a, { name: 'Gone' })).apiKey;
    await call(REVOKE, { input: { id: revoked.id, reason: 'leaked' } }, a.owner.token);

    const ids = async (filter: ApiKeyFilter) =>
      (await call(LIST, { filter }, a.owner.token)).edges.map((e) => e.node.id).sort();
    const sorted = (...keys: { id: string }[]) => keys.map((k) => k.id).sort();

    expect(await ids({ status: 'ACTIVE' })).toEqual(sorted(plain, grouped, owned, soon));
    expect(await ids({ status: 'DISABLED' })).toEqual(sorted(disabled));
    expect(await ids({ status: 'REVOKED' })).toEqual(sorted(revoked));
    expect(await ids({ status: 'EXPIRED' })).toEqual([]);
    expect(await ids({ groupId: group.id })).toEqual(sorted(grouped));
    expect(await ids({ ownerId: member.id })).toEqual(sorted(owned));
    expect(await ids({ scope: 'tickets:read' })).toEqual(sorted(grouped));
    expect(await ids({ expiringBefore: new Date(START + 120_000).toISOString() })).toEqual(sorted(soon));
    expect(await ids({ search: 'crm sync' })).toEqual(sorted(soon)); // description, any case
    expect(await ids({ search: 'findable' })).toEqual(sorted(owned)); // public id
    expect(await ids({ search: 'grouped', groupId: group.id })).toEqual(sorted(grouped));
  });

  it('keys:read suffices to read; anonymous callers are UNAUTHENTICATED', async () => {
    const a = await createTenant(t.app);
    const viewer = await a.addMember('VIEWER');
    const { apiKey } = await issue(a);
    expect((await call(GET, { id: apiKey.id }, viewer.token))?.id).toBe(apiKey.id);
    const anonymous = await t.executeOperation(LIST, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('expiry follows the clock, to the second, everywhere', () => {
  it('is ACTIVE until expiresAt and EXPIRED from then on, in the status, the filters and explainAccess', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a, { expiresAt: new Date(START + 120_000).toISOString() });
    const view = async () => {
      const [key, expired, active, explained] = await Promise.all([
        call(GET, { id: apiKey.id }, a.owner.token),
        call(LIST, { filter: { status: 'EXPIRED' } }, a.owner.token),
        call(LIST, { filter: { status: 'ACTIVE' } }, a.owner.token),
        call(EXPLAIN, { id: apiKey.id, ip: '192.0.2.1' }, a.owner.token),
      ]);
      return { status: key?.status, expired: expired.edges.length, active: active.edges.length, code: explained.code };
    };
    at(119);
    expect(await view()).toEqual({ status: 'ACTIVE', expired: 0, active: 1, code: 'VALID' });
    at(119.999);
    expect(await view()).toEqual({ status: 'ACTIVE', expired: 0, active: 1, code: 'VALID' });
    at(120);
    expect(await view()).toEqual({ status: 'EXPIRED', expired: 1, active: 0, code: 'EXPIRED' });
    at(121);
    expect(await view()).toEqual({ status: 'EXPIRED', expired: 1, active: 0, code: 'EXPIRED' });
  });

  it('a disabled key that expires shows EXPIRED; a revoked one stays REVOKED', async () => {
    const a = await createTenant(t.app);
    const disabled = (await issue(a, { status: 'DISABLED', expiresIn: '1h' })).apiKey;
    const revoked = (await issue(a, { expiresIn: '1h' })).apiKey;
    await call(REVOKE, { input: { id: revoked.id, reason: 'r' } }, a.owner.token);
    at(3600);
    expect((await call(GET, { id: disabled.id }, a.owner.token))?.status).toBe('EXPIRED');
    expect((await call(GET, { id: revoked.id }, a.owner.token))?.status).toBe('REVOKED');
  });
});
