// Group.keyCount, Identity.keyCount, Member.apiKeyCount and Role.memberCount are columns kept by
// database triggers (the stored_counts migration). Each test changes keys or members through the
// API and checks the counts the API answers, then that every stored count of every tenant equals
// a COUNT(*) of the rows it counts.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestGroup, createTestKey } from '../harness/keys.ts';
import { newId } from '../../src/domain/ids.ts';
import { diff } from '../../src/services/audit.ts';

const t = useTestApp();
let a: TestTenant;
let b: TestTenant;
beforeAll(async () => {
  a = await createTenant(t.app, 'A');
  b = await createTenant(t.app, 'B');
});

type Result = Record<string, any>;

/** A mutation field that must succeed: neither a request error nor one of its typed errors. */
async function mutate(tenant: TestTenant, document: string, variables: Record<string, unknown> = {}): Promise<Result> {
  const response = await t.graphql(document, variables, { token: tenant.owner.token });
  // An unexpected error names its cause only in the log.
  const failure = () => [response.body, ...t.logs.lines.filter((line) => /"level":50/.test(line)).slice(-2)].join('\n');
  expect(response.errors, failure()).toBeUndefined();
  for (const value of Object.values(response.data as Result)) expect(value.code, failure()).toBeUndefined();
  return response.data as Result;
}

async function read(tenant: TestTenant, document: string, variables: Record<string, unknown> = {}): Promise<Result> {
  const response = await t.graphql(document, variables, { token: tenant.owner.token });
  expect(response.errors, response.body).toBeUndefined();
  return response.data as Result;
}

const ERROR = '... on Error { code message }';
const CREATE = `mutation($input: CreateKeyInput!) { createKey(input: $input) { __typename ${ERROR} ... on CreateKeyPayload { apiKey { id } } } }`;
const CREATE_MANY = `mutation($input: CreateKeysInput!) { createKeys(input: $input) { __typename ${ERROR} ... on CreateKeysPayload { succeeded failed } } }`;
const UPDATE = `mutation($input: UpdateKeyInput!) { updateKey(input: $input) { __typename ${ERROR} } }`;

async function createKey(tenant: TestTenant, input: Record<string, unknown>): Promise<string> {
  return (await mutate(tenant, CREATE, { input: { name: 'k', ...input } })).createKey.apiKey.id;
}

async function newGroup(tenant: TestTenant): Promise<string> {
  return createTestGroup(t.app, tenant.id);
}

/** The API's counts of `tenant`: groups, members and roles by id. */
async function counts(tenant: TestTenant): Promise<{ groups: Record<string, number>; members: Record<string, number>; roles: Record<string, number> }> {
  const data = await read(tenant, `{
    groups(first: 50) { edges { node { id keyCount } } }
    members(first: 50) { edges { node { id apiKeyCount } } }
    roles(first: 50) { edges { node { id memberCount } } }
  }`);
  const byId = (connection: Result, field: string) => Object.fromEntries(connection.edges.map((e: Result) => [e.node.id, e.node[field]]));
  return { groups: byId(data.groups, 'keyCount'), members: byId(data.members, 'apiKeyCount'), roles: byId(data.roles, 'memberCount') };
}

async function identityKeyCount(tenant: TestTenant, externalId: string): Promise<number | null> {
  return (await read(tenant, 'query($e: String!) { identity(externalId: $e) { keyCount } }', { e: externalId })).identity?.keyCount ?? null;
}

/** Every stored count in the database (every tenant) that differs from a COUNT(*) of its rows. */
async function wrongCounts(): Promise<unknown[]> {
  return t.app.db.prisma.$queryRawUnsafe(`
    SELECT * FROM (
      SELECT 'Group' AS kind, p.id, p."keyCount" AS stored, (SELECT count(*) FROM "ApiKey" k WHERE k."groupId" = p.id)::int AS actual FROM "Group" p
      UNION ALL SELECT 'Identity', p.id, p."keyCount", (SELECT count(*) FROM "ApiKey" k WHERE k."identityId" = p.id)::int FROM "Identity" p
      UNION ALL SELECT 'Member', p.id, p."apiKeyCount", (SELECT count(*) FROM "ApiKey" k WHERE k."ownerId" = p.id)::int FROM "Member" p
      UNION ALL SELECT 'Role', p.id, p."memberCount", (SELECT count(*) FROM "Member" m WHERE m."roleId" = p.id)::int FROM "Role" p
    ) AS c WHERE stored <> actual`);
}

describe('keys', () => {
  it('create and bulk create count in the group, the owner and the identity', async () => {
    const [g1, g2] = [await newGroup(a), await newGroup(a)];
    const other = await a.addMember('ADMIN');
    await createKey(a, { groupId: g1, externalId: 'cust-1' });
    await createKey(a, { groupId: g1, ownerId: other.id });
    const bulk = await mutate(a, CREATE_MANY, {
      input: { items: [
        { name: 'b0', groupId: g2, externalId: 'cust-1' }, { name: 'b1', groupId: g2 }, { name: 'b2', groupId: g1, ownerId: other.id }, { name: 'b3' },
      ] },
    });
    expect(bulk.createKeys).toMatchObject({ succeeded: 4, failed: 0 });
    const after = await counts(a);
    expect(after.groups[g1]).toBe(3);
    expect(after.groups[g2]).toBe(2);
    expect(after.members[other.id]).toBe(2);
    expect(await identityKeyCount(a, 'cust-1')).toBe(2);
    expect(await wrongCounts()).toEqual([]);
  });

  it('updateKey moves a key between groups, owners and identities; deleteKey uncounts it', async () => {
    const [g1, g2] = [await newGroup(a), await newGroup(a)];
    const other = await a.addMember('ADMIN');
    const key = await createKey(a, { groupId: g1, externalId: 'move-1' });
    await createKey(a, { groupId: g1 });
    const ownerBefore = (await counts(a)).members[a.owner.id]!;

    await mutate(a, UPDATE, { input: { id: key, groupId: g2, ownerId: other.id, externalId: 'move-2' } });
    let now = await counts(a);
    expect([now.groups[g1], now.groups[g2]]).toEqual([1, 1]);
    expect([now.members[a.owner.id], now.members[other.id]]).toEqual([ownerBefore - 1, 1]);
    expect([await identityKeyCount(a, 'move-1'), await identityKeyCount(a, 'move-2')]).toEqual([0, 1]);

    // Out of any group, and of its identity; then a change that touches none of the three.
    await mutate(a, UPDATE, { input: { id: key, removeFromGroup: true, externalId: '' } });
    await mutate(a, UPDATE, { input: { id: key, name: 'renamed' } });
    now = await counts(a);
    expect([now.groups[g1], now.groups[g2]]).toEqual([1, 0]);
    expect(await identityKeyCount(a, 'move-2')).toBe(0);

    await mutate(a, `mutation($id: ID!) { deleteKey(id: $id) { __typename ${ERROR} } }`, { id: key });
    expect((await counts(a)).members[other.id]).toBe(0);
    expect(await wrongCounts()).toEqual([]);
  });

  it('deleteGroup moves its keys to another group, or revokes them and leaves them in none', async () => {
    const [from, to, revoked] = [await newGroup(a), await newGroup(a), await newGroup(a)];
    await mutate(a, CREATE_MANY, { input: { items: Array.from({ length: 5 }, (_, i) => ({ name: `m${i}`, groupId: i < 3 ? from : to })) } });
    await mutate(a, CREATE_MANY, { input: { items: [{ name: 'r0', groupId: revoked }, { name: 'r1', groupId: revoked }] } });
    const ownerBefore = (await counts(a)).members[a.owner.id];

    const DELETE = `mutation($input: DeleteGroupInput!) { deleteGroup(input: $input) { __typename ${ERROR} ... on DeleteGroupPayload { movedKeyCount revokedKeyCount } } }`;
    expect((await mutate(a, DELETE, { input: { id: from, moveKeysTo: to } })).deleteGroup.movedKeyCount).toBe(3);
    expect((await mutate(a, DELETE, { input: { id: revoked, revokeKeys: true } })).deleteGroup.revokedKeyCount).toBe(2);
    const now = await counts(a);
    expect(now.groups[to]).toBe(5);
    expect(Object.keys(now.groups)).not.toContain(from);
    // Revoked keys still count for their owner.
    expect(now.members[a.owner.id]).toBe(ownerBefore);
    expect(await wrongCounts()).toEqual([]);
  });

  it('a write undone by a later typed error leaves the counts as they were', async () => {
    const group = await newGroup(a);
    await createKey(a, { groupId: group });
    const before = await counts(a);
    // Item 0 is written, item 1 names no group of the tenant: the whole call answers NOT_FOUND.
    const response = await t.graphql(CREATE_MANY, { input: { items: [{ name: 'x0', groupId: group, externalId: 'undone' }, { name: 'x1', groupId: newId('grp') }] } }, { token: a.owner.token });
    expect(response.data.createKeys.code, response.body).toBe('NOT_FOUND');
    // A move whose new owner is unknown, in the same request as a kept create in the group.
    const key = await createKey(a, { groupId: group });
    const mixed = await t.graphql(
      `mutation($g: ID!, $k: ID!, $nobody: ID!) {
        kept: createKey(input: { name: "kept", groupId: $g }) { __typename }
        undone: updateKey(input: { id: $k, removeFromGroup: true, ownerId: $nobody }) { __typename ${ERROR} }
      }`,
      { g: group, k: key, nobody: newId('mem') },
      { token: a.owner.token },
    );
    expect(mixed.data.kept.__typename, mixed.body).toBe('CreateKeyPayload');
    expect(mixed.data.undone.code, mixed.body).toBe('NOT_FOUND');
    const after = await counts(a);
    expect(after.groups[group]).toBe(before.groups[group]! + 2);
    expect(after.members[a.owner.id]).toBe(before.members[a.owner.id]! + 2);
    expect(await identityKeyCount(a, 'undone')).toBeNull();
    expect(await wrongCounts()).toEqual([]);
  });

  it('concurrent creates into the same group each count once', async () => {
    const group = await newGroup(a);
    await createKey(a, { name: 'first', groupId: group, externalId: 'concurrent' }); // the identity exists before the race
    const n = 12;
    const ids = await Promise.all(Array.from({ length: n }, (_, i) => createKey(a, { name: `c${i}`, groupId: group, externalId: 'concurrent' })));
    expect(new Set(ids).size).toBe(n);
    expect((await counts(a)).groups[group]).toBe(n + 1);
    expect(await identityKeyCount(a, 'concurrent')).toBe(n + 1);
    expect(await wrongCounts()).toEqual([]);
  });

  it('a bulk create across groups and single creates at the same time all succeed, counted once', async () => {
    // Each write locks the count rows it changes until commit, and a bulk create also holds the
    // tenant's audit lock from its first item on: the rows must be locked in an order every writer shares.
    const [g1, g2] = [await newGroup(a), await newGroup(a)];
    const bulk = (first: string, second: string) =>
      mutate(a, CREATE_MANY, { input: { items: Array.from({ length: 6 }, (_, i) => ({ name: `x${i}`, groupId: i % 2 ? first : second })) } });
    await Promise.all([
      bulk(g1, g2), bulk(g2, g1),
      ...Array.from({ length: 6 }, (_, i) => createKey(a, { name: `s${i}`, groupId: i % 2 ? g1 : g2 })),
    ]);
    const now = await counts(a);
    expect([now.groups[g1], now.groups[g2]]).toEqual([9, 9]);
    expect(await wrongCounts()).toEqual([]);
  });

  it("another tenant's keys and members change none of the tenant's counts", async () => {
    const group = await newGroup(a);
    await createKey(a, { groupId: group, externalId: 'shared-name' });
    const before = await counts(a);
    const theirGroup = await newGroup(b);
    await mutate(b, CREATE_MANY, { input: { items: Array.from({ length: 20 }, (_, i) => ({ name: `b${i}`, groupId: theirGroup, externalId: 'shared-name' })) } });
    const theirMember = await b.addMember('ADMIN');
    await createTestKey(t.app, b.id, { ownerId: theirMember.id, groupId: theirGroup });
    expect(await counts(a)).toEqual(before);
    expect(await identityKeyCount(a, 'shared-name')).toBe(1);
    expect(await identityKeyCount(b, 'shared-name')).toBe(20);
    expect((await counts(b)).groups).toEqual({ [theirGroup]: 21 });
    expect(await wrongCounts()).toEqual([]);
  });
});

describe('members', () => {
  it('create, role change and delete count in the roles', async () => {
    const before = (await counts(a)).roles;
    const created = await mutate(a, `mutation($input: CreateMemberInput!) { createMember(input: $input) { __typename ${ERROR} ... on MemberPayload { member { id } } } }`, {
      input: { email: `m-${randomBytes(4).toString('hex')}@example.test`, name: 'M', roleId: a.roles.VIEWER },
    });
    const id = created.createMember.member.id;
    expect((await counts(a)).roles[a.roles.VIEWER]).toBe(before[a.roles.VIEWER]! + 1);

    await mutate(a, `mutation($input: UpdateMemberInput!) { updateMember(input: $input) { __typename ${ERROR} } }`, { input: { id, roleId: a.roles.MEMBER } });
    let now = (await counts(a)).roles;
    expect([now[a.roles.VIEWER], now[a.roles.MEMBER]]).toEqual([before[a.roles.VIEWER], before[a.roles.MEMBER]! + 1]);

    await mutate(a, `mutation($id: ID!) { deleteMember(id: $id) { __typename ${ERROR} } }`, { id });
    now = (await counts(a)).roles;
    expect(now).toEqual(before);
    expect(await wrongCounts()).toEqual([]);
  });
});

describe('the columns', () => {
  it("are no record's own change in its audit event (another write may move them between its reads)", () => {
    expect(diff({ name: 'a', keyCount: 1, apiKeyCount: 1, memberCount: 1 }, { name: 'b', keyCount: 2, apiKeyCount: 0, memberCount: 3 }))
      .toEqual({ name: { before: 'a', after: 'b' } });
  });

  it('cannot be written by the app: only the triggers change them', async () => {
    const group = await newGroup(a);
    await expect(t.app.db.prisma.group.update({ where: { id: group }, data: { keyCount: 5 } })).rejects.toThrow(/cannot be written/);
    await expect(t.app.db.prisma.member.updateMany({ where: { id: a.owner.id }, data: { apiKeyCount: { increment: 1 } } })).rejects.toThrow(/cannot be written/);
    await expect(t.app.db.prisma.role.create({ data: { id: newId('rol'), tenantId: a.id, name: `r-${randomBytes(3).toString('hex')}`, scopes: [], memberCount: 3 } }))
      .rejects.toThrow(/cannot be written/);
    // An update of other columns leaves them alone.
    await createKey(a, { groupId: group });
    await t.app.db.prisma.group.update({ where: { id: group }, data: { description: 'changed' } });
    expect((await counts(a)).groups[group]).toBe(1);
    expect(await wrongCounts()).toEqual([]);
  });
});
