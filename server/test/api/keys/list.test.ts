import { describe, expect, it } from 'vitest';
import type { ApiKeyFilter } from '@keywarden/sdk/graphql';
import { createTenant, type TestTenant } from '../../harness/fixtures.ts';
import { createTestGroup } from '../../harness/keys.ts';
import { typedDocument } from '../../harness/operation.ts';
import { sqlStatements } from '../../harness/sqlStatements.ts';
import { newId } from '../../../src/domain/ids.ts';
import { generatePublicId } from '../../../src/domain/keyFormat.ts';
import { DELETE, GET, KEY, call, t, useKeysApp } from './support.ts';

// The key list pages by key id (`id > cursor`, `id < cursor` backwards), inside the tenant and the
// filter, and reads only the columns the query asks for.

useKeysApp();

type Page = {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
};
type PageArgs = { filter?: ApiKeyFilter; first?: number; after?: string; last?: number; before?: string };
const PAGE = typedDocument<{ apiKeys: Page }, PageArgs>(`query($filter: ApiKeyFilter, $first: Int, $after: String, $last: Int, $before: String) {
  apiKeys(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`);

/** One key each for `tenants`, in turn, `rounds` times: their ids interleave. Returns each tenant's ids, in id order. */
async function addInterleavedKeys(tenants: TestTenant[], rounds: number, fields: (i: number) => Record<string, unknown> = () => ({})) {
  const ids = tenants.map(() => [] as string[]);
  for (let i = 0; i < rounds; i++) {
    for (const [n, tenant] of tenants.entries()) {
      const id = newId('key');
      await t.app.db.prisma.apiKey.create({
        data: {
          id, tenantId: tenant.id, publicId: generatePublicId(), name: `key ${i}`, ownerId: tenant.owner.id, scopes: [],
          secretHash: '$argon2id$placeholder', keyPrefix: 'kw', keyTail: 'AbCd', ...(n === 0 ? fields(i) : {}),
        },
      });
      ids[n]!.push(id);
    }
  }
  return ids.map((list) => list.sort());
}

const page = (variables: PageArgs, token: string) => call(PAGE, variables, token);

describe('paging the key list', () => {
  it("pages forward and backward through a filter to the same keys, in order, none of another tenant's", async () => {
    const a = await createTenant(t.app, 'A');
    const b = await createTenant(t.app, 'B');
    const group = await createTestGroup(t.app, a.id);
    const [mine, theirs] = await addInterleavedKeys([a, b], 12, (i) => (i % 3 === 0 ? {} : { groupId: group }));
    const inGroup = (await t.app.db.prisma.apiKey.findMany({ where: { groupId: group }, select: { id: true }, orderBy: { id: 'asc' } })).map((k) => k.id);
    expect(inGroup).toHaveLength(8);

    for (const filter of [{}, { groupId: group }]) {
      const expected = 'groupId' in filter ? inGroup : mine!;
      const forward: string[] = [];
      let next = await page({ filter, first: 3 }, a.owner.token);
      expect(next.pageInfo.hasPreviousPage).toBe(false);
      forward.push(...next.edges.map((e) => e.node.id));
      while (next.pageInfo.hasNextPage) {
        next = await page({ filter, first: 3, after: next.pageInfo.endCursor! }, a.owner.token);
        expect(next.pageInfo.hasPreviousPage).toBe(true);
        forward.push(...next.edges.map((e) => e.node.id));
      }
      expect(forward).toEqual(expected);

      const backward: string[] = [];
      let previous = await page({ filter, last: 3 }, a.owner.token);
      expect(previous.pageInfo.hasNextPage).toBe(false);
      backward.unshift(...previous.edges.map((e) => e.node.id));
      while (previous.pageInfo.hasPreviousPage) {
        previous = await page({ filter, last: 3, before: previous.pageInfo.startCursor! }, a.owner.token);
        expect(previous.pageInfo.hasNextPage).toBe(true);
        backward.unshift(...previous.edges.map((e) => e.node.id));
      }
      expect(backward).toEqual(expected);
    }
    expect(theirs).toHaveLength(12);
  });

  it('a cursor on a key the filter leaves out starts the page right after (or before) that key', async () => {
    const a = await createTenant(t.app, 'A');
    const group = await createTestGroup(t.app, a.id);
    const [ids] = await addInterleavedKeys([a], 6, (i) => ([1, 2, 4].includes(i) ? { groupId: group } : {}));
    const all = await page({ first: 6 }, a.owner.token);
    expect(all.edges.map((e) => e.node.id)).toEqual(ids);
    const cursorOf = (id: string) => all.edges.find((e) => e.node.id === id)!.cursor;

    const after = await page({ filter: { groupId: group }, first: 2, after: cursorOf(ids![0]!) }, a.owner.token);
    expect(after.edges.map((e) => e.node.id)).toEqual([ids![1], ids![2]]);
    expect(after.pageInfo.hasNextPage).toBe(true);
    const before = await page({ filter: { groupId: group }, last: 2, before: cursorOf(ids![5]!) }, a.owner.token);
    expect(before.edges.map((e) => e.node.id)).toEqual([ids![2], ids![4]]);
    expect(before.pageInfo.hasPreviousPage).toBe(true);
  });

  it("a cursor of another tenant's key or of a deleted key, or a filter naming another tenant's group, is NOT_FOUND; a malformed cursor is BAD_REQUEST", async () => {
    const a = await createTenant(t.app, 'A');
    const b = await createTenant(t.app, 'B');
    const [mine, theirs] = await addInterleavedKeys([a, b], 3);
    const foreign = (await page({ first: 1 }, b.owner.token)).edges[0]!.cursor;
    const own = await page({ first: 3 }, a.owner.token);
    const deleted = own.edges[1]!.cursor;
    expect(await call(DELETE, { id: mine![1]! }, a.owner.token)).toMatchObject({ deletedKeyId: mine![1] });
    for (const variables of [{ first: 2, after: foreign }, { last: 2, before: foreign }, { first: 2, after: deleted }, { last: 2, before: deleted }]) {
      const response = await t.executeOperation(PAGE, variables, { token: a.owner.token });
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('NOT_FOUND');
      expect(response.body).not.toContain(theirs![0]);
    }
    // A filter naming another tenant's group is NOT_FOUND too, and so is its cursor when both are wrong.
    const theirGroup = await createTestGroup(t.app, b.id);
    const byGroup = await t.executeOperation(PAGE, { first: 2, filter: { groupId: theirGroup } }, { token: a.owner.token });
    expect(byGroup.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', resource: 'Group' });
    const both = await t.executeOperation(PAGE, { first: 2, after: foreign, filter: { groupId: theirGroup } }, { token: a.owner.token });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', resource: 'Cursor' });
    const malformed = await t.executeOperation(PAGE, { first: 2, after: 'not-a-cursor' }, { token: a.owner.token });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    // The neighbours of the deleted key still page as before.
    expect((await page({ first: 2, after: own.edges[0]!.cursor }, a.owner.token)).edges.map((e) => e.node.id)).toEqual([mine![2]]);
  });
});

describe('statements of a page', () => {
  it('a page after or before a cursor reads the keys in one statement, as the first page does (the cursor is checked in it)', async () => {
    const a = await createTenant(t.app, 'A');
    const [mine] = await addInterleavedKeys([a], 6);
    const keyReads = async (variables: PageArgs) => {
      let ids: string[] = [];
      const statements = await sqlStatements(t.app.db, async () => {
        ids = (await page(variables, a.owner.token)).edges.map((e) => e.node.id);
      });
      return { ids, reads: statements.filter((sql) => /FROM "public"\."ApiKey"/.test(sql)).length };
    };
    const first = await keyReads({ first: 2 });
    expect(first).toEqual({ ids: mine!.slice(0, 2), reads: 1 });
    const cursor = (await page({ first: 3 }, a.owner.token)).edges[2]!.cursor;
    expect(await keyReads({ first: 2, after: cursor })).toEqual({ ids: mine!.slice(3, 5), reads: 1 });
    expect(await keyReads({ last: 2, before: cursor })).toEqual({ ids: mine!.slice(0, 2), reads: 1 });
  });

  it("a page of keys with group, owner and IP rules is one statement (relation joins), each key with its own, also with pages of two tenants at once", async () => {
    const a = await createTenant(t.app, 'A');
    const b = await createTenant(t.app, 'B');
    const groups = [await createTestGroup(t.app, a.id), await createTestGroup(t.app, a.id)];
    const other = await a.addMember('MEMBER');
    const [mine, theirs] = await addInterleavedKeys([a, b], 6, (i) => ({ groupId: i % 3 === 2 ? null : groups[i % 2], ownerId: i % 2 ? other.id : a.owner.id }));
    const rule = (tenantId: string, apiKeyId: string, cidr: string) => ({ id: newId('ipr'), tenantId, apiKeyId, action: 'ALLOW' as const, cidr });
    await t.app.db.prisma.ipRule.createMany({
      data: [rule(a.id, mine![0]!, '10.0.0.0/24'), rule(a.id, mine![1]!, '10.1.0.0/24'), rule(a.id, mine![1]!, '10.1.1.0/24'), rule(b.id, theirs![0]!, '10.9.0.0/24')],
    });
    const document = '{ apiKeys(first: 10) { edges { node { id group { id } owner { id } ipRules { cidr } } } } }';
    // What each tenant's page must say, read the other way (a statement per relation) as the oracle.
    const expected = async (tenantId: string) =>
      (await t.app.db.prisma.apiKey.findMany({
        where: { tenantId }, orderBy: { id: 'asc' }, relationLoadStrategy: 'query',
        select: { id: true, group: { select: { id: true } }, owner: { select: { id: true } }, ipRules: { select: { cidr: true }, orderBy: { id: 'asc' } } },
      })).map((node) => ({ node }));
    const want = { [a.owner.token]: await expected(a.id), [b.owner.token]: await expected(b.id) };
    expect(want[a.owner.token]!.filter((e) => e.node.ipRules.length === 2)).toHaveLength(1);
    const read = async (token: string) => {
      const response = await t.graphql(document, {}, { token });
      expect(response.errors, response.body).toBeUndefined();
      return response.data.apiKeys.edges;
    };
    await read(a.owner.token); // the session, authenticated and cached
    const statements = await sqlStatements(t.app.db, async () => expect(await read(a.owner.token)).toEqual(want[a.owner.token]));
    expect(statements).toHaveLength(1);
    for (const table of ['ApiKey', 'Group', 'Member', 'IpRule']) expect(statements[0]).toContain(`"public"."${table}"`);
    await read(b.owner.token);
    const tokens = Array.from({ length: 16 }, (_, i) => (i % 2 ? b.owner.token : a.owner.token));
    const pages = await Promise.all(tokens.map(read));
    pages.forEach((edges, i) => expect(edges).toEqual(want[tokens[i]!]));
  });
});

describe('columns the key list reads', () => {
  it('a page of keys, and one key, read no secret hash and no password hash, whatever fields are asked for', async () => {
    const a = await createTenant(t.app, 'A');
    const group = await createTestGroup(t.app, a.id);
    const [ids] = await addInterleavedKeys([a], 3, () => ({ groupId: group, previousSecretHash: '$argon2id$previous' }));
    const fields = `${KEY} maskedKey rotation { state } rateLimitStatus { remaining } credits { remaining }
      owner { id name email status role { name } } group { id name scopeLimit }`;
    await call(GET, { id: ids![0]! }, a.owner.token); // the session, authenticated and cached
    const statements = await sqlStatements(t.app.db, async () => {
      const response = await t.graphql(`{ apiKeys(first: 10) { edges { node { ${fields} } } } }`, {}, { token: a.owner.token });
      expect(response.errors, response.body).toBeUndefined();
      expect(response.data.apiKeys.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids);
      const one = await t.graphql(`query($id: ID!) { apiKey(id: $id) { ${fields} } }`, { id: ids![1] }, { token: a.owner.token });
      expect(one.data?.apiKey?.owner?.id, one.body).toBe(a.owner.id);
    });
    expect(statements.filter((sql) => /FROM "public"\."ApiKey"/.test(sql)).length).toBeGreaterThanOrEqual(2);
    expect(statements.filter((sql) => /FROM "public"\."Member"/.test(sql)).length).toBeGreaterThanOrEqual(1);
    for (const sql of statements) expect(sql).not.toMatch(/secretHash|passwordHash/i);
  });
});
