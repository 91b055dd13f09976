import { describe, expect, it } from 'vitest';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestGroup } from '../harness/keys.ts';
import { sqlStatements } from '../harness/sqlStatements.ts';
import { newId } from '../../src/domain/ids.ts';
import { generatePublicId } from '../../src/domain/keyFormat.ts';

// What keeps lists fast when a tenant holds many keys: counts stored (kept by the database),
// search that means the same with its index, session authentication in one statement, and the
// nested access-token page cut in SQL.

const t = useTestApp();

type Result = Record<string, any>;

async function query(document: string, token: string, variables: Record<string, unknown> = {}): Promise<Result> {
  const response = await t.graphql(document, variables, { token });
  expect(response.errors, response.body).toBeUndefined();
  return response.data as Result;
}

/** Keys written straight to the database (never verified: the hash is a placeholder). */
async function addKeys(tenant: TestTenant, count: number, fields: (i: number) => Record<string, unknown> = () => ({})) {
  const ids = Array.from({ length: count }, () => newId('key'));
  await t.app.db.prisma.apiKey.createMany({
    data: ids.map((id, i) => ({
      id, tenantId: tenant.id, publicId: generatePublicId(), name: `key ${i}`, ownerId: tenant.owner.id, scopes: [],
      secretHash: '$argon2id$placeholder', keyPrefix: 'kw', keyTail: 'AbCd', ...fields(i),
    })),
  });
  return ids;
}

describe('counts', () => {
  it('group, member and role counts are the tenant\'s own, equal whatever another tenant holds', async () => {
    const a = await createTenant(t.app, 'A');
    const b = await createTenant(t.app, 'B');
    const [g1, g2, g3] = [await createTestGroup(t.app, a.id), await createTestGroup(t.app, a.id), await createTestGroup(t.app, a.id)];
    const other = await a.addMember('MEMBER');
    await addKeys(a, 7, (i) => ({ groupId: i < 5 ? g1 : g2, ownerId: i < 3 ? other.id : a.owner.id }));
    await addKeys(a, 2, () => ({ status: 'REVOKED', groupId: g1 }));
    const read = async () => ({
      groups: (await query('{ groups(first: 10) { edges { node { id keyCount } } } }', a.owner.token)).groups.edges.map((e: Result) => e.node),
      members: (await query('{ members(first: 10) { edges { node { id apiKeyCount } } } }', a.owner.token)).members.edges.map((e: Result) => e.node),
      roles: (await query('{ roles(first: 10) { edges { node { id builtIn memberCount } } } }', a.owner.token)).roles.edges.map((e: Result) => e.node),
      one: (await query('query($id: ID!) { group(id: $id) { keyCount } }', a.owner.token, { id: g2 })).group.keyCount,
    });
    const before = await read();
    expect(Object.fromEntries(before.groups.map((g: Result) => [g.id, g.keyCount]))).toEqual({ [g1]: 7, [g2]: 2, [g3]: 0 });
    expect(Object.fromEntries(before.members.map((m: Result) => [m.id, m.apiKeyCount]))).toEqual({ [a.owner.id]: 6, [other.id]: 3 });
    const roles = Object.fromEntries(before.roles.map((r: Result) => [r.builtIn, r.memberCount]));
    expect(roles).toMatchObject({ OWNER: 1, MEMBER: 1 });
    expect(before.one).toBe(2);

    // The other tenant: keys in a group and owners of its own, members in its roles.
    const gb = await createTestGroup(t.app, b.id);
    await b.addMember('MEMBER');
    await addKeys(b, 20, () => ({ groupId: gb }));
    expect(await read()).toEqual(before);
    // …and it sees only its own.
    const theirs = await query('{ groups(first: 10) { edges { node { id keyCount } } } members(first: 10) { edges { node { apiKeyCount } } } }', b.owner.token);
    expect(theirs.groups.edges.map((e: Result) => e.node)).toEqual([{ id: gb, keyCount: 20 }]);
    expect(theirs.members.edges.map((e: Result) => e.node.apiKeyCount).sort()).toEqual([0, 20]);
  });

  it('a page of counts costs no statement more than the page without them, and counts no rows', async () => {
    const a = await createTenant(t.app, 'A');
    for (let i = 0; i < 4; i++) await addKeys(a, 1, () => ({ groupId: null }));
    const groups = await Promise.all([1, 2, 3].map(() => createTestGroup(t.app, a.id)));
    await addKeys(a, 3, (i) => ({ groupId: groups[i] }));
    await query('{ viewer { kind } }', a.owner.token); // the session, authenticated and cached
    const lists = {
      groups: ['{ groups(first: 10) { edges { node { id } } } }', '{ groups(first: 10) { edges { node { id keyCount } } } }'],
      members: ['{ members(first: 10) { edges { node { id } } } }', '{ members(first: 10) { edges { node { id apiKeyCount } } } }'],
      roles: ['{ roles(first: 10) { edges { node { id } } } }', '{ roles(first: 10) { edges { node { id memberCount } } } }'],
    };
    for (const [name, [plain, counted]] of Object.entries(lists)) {
      const without = await sqlStatements(t.app.db, () => query(plain!, a.owner.token));
      const withCounts = await sqlStatements(t.app.db, () => query(counted!, a.owner.token));
      expect(withCounts.length, name).toBe(without.length);
      expect(withCounts.filter((sql) => /COUNT\(/i.test(sql)), name).toEqual([]);
    }
  });
});

describe('session authentication', () => {
  it('reads the session, its member, role and tenant in one statement', async () => {
    const a = await createTenant(t.app, 'A');
    const member = await a.addMember('ADMIN');
    const statements = await sqlStatements(t.app.db, async () => {
      const data = await query('{ viewer { kind tenantId scopes } }', member.token);
      expect(data.viewer).toMatchObject({ kind: 'MEMBER', tenantId: a.id });
      expect(data.viewer.scopes).toEqual(['*', '!tenant:admin']);
    });
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/"Session"/);
  });
});

describe('key search', () => {
  it('matches name, description or public id case-insensitively, with %, _ and \\ taken literally', async () => {
    const a = await createTenant(t.app, 'A');
    const b = await createTenant(t.app, 'B');
    const names = ['Billing Service', 'billing-worker', '100% uptime', '100 percent', 'snake_case', 'snakeXcase', 'back\\slash', 'backslash'];
    const ids = await addKeys(a, names.length, (i) => ({ name: names[i], description: i === 1 ? 'Nightly INVOICE run' : '' }));
    await addKeys(b, 2, (i) => ({ name: ['Billing Service', '100% uptime'][i] }));
    const search = async (term: string) =>
      (await query('query($f: ApiKeyFilter) { apiKeys(first: 50, filter: $f) { edges { node { name } } } }', a.owner.token, { f: { search: term } }))
        .apiKeys.edges.map((e: Result) => e.node.name).sort();
    expect(await search('BILLING')).toEqual(['Billing Service', 'billing-worker']);
    expect(await search('invoice')).toEqual(['billing-worker']);
    expect(await search('100%')).toEqual(['100% uptime']);
    expect(await search('e_c')).toEqual(['snake_case']);
    expect(await search('k\\s')).toEqual(['back\\slash']);
    expect(await search('%')).toEqual(['100% uptime']);
    expect(await search('snake_')).toEqual(['snake_case']);
    expect(await search('nowhere')).toEqual([]);
    const [publicId] = (await t.app.db.prisma.apiKey.findMany({ where: { id: ids[0] }, select: { publicId: true } })).map((k) => k.publicId);
    expect(await search(publicId!.toLowerCase())).toEqual(['Billing Service']);
  });

  it('is served by trigram indexes that take each key at once: no pending list for every search to scan', async () => {
    const indexes = await t.app.db.prisma.$queryRaw<{ name: string; options: string[] | null }[]>`
      SELECT c.relname AS name, c.reloptions AS options FROM pg_class c JOIN pg_am am ON am.oid = c.relam
      WHERE am.amname = 'gin' AND c.relname LIKE 'ApiKey_%_trgm_idx' ORDER BY c.relname`;
    expect(indexes).toEqual(['description', 'name', 'publicId'].map((column) => ({ name: `ApiKey_${column}_trgm_idx`, options: ['fastupdate=off'] })));
  });

  it("keeps a 1,000-entry histogram of the searched columns, so a rare term is not estimated at 1 % of the tenant's keys", async () => {
    const columns = await t.app.db.prisma.$queryRaw<{ name: string; target: number }[]>`
      SELECT a.attname AS name, a.attstattarget::int AS target FROM pg_attribute a
      WHERE a.attrelid = '"ApiKey"'::regclass AND a.attname IN ('name', 'description', 'publicId') ORDER BY a.attname`;
    expect(columns).toEqual(['description', 'name', 'publicId'].map((name) => ({ name, target: 1000 })));
  });
});

describe('query planning', () => {
  it("plans with random_page_cost 1.1 in the app's sessions, so a tenant's index is not passed over for the primary key's order", async () => {
    const [setting] = await t.app.db.prisma.$queryRaw<{ random_page_cost: string }[]>`SHOW random_page_cost`;
    expect(setting?.random_page_cost).toBe('1.1');
  });
});
