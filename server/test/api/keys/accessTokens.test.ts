import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenant, type TestTenant } from '../../harness/fixtures.ts';
import { createTestKey } from '../../harness/keys.ts';
import { typedDocument } from '../../harness/operation.ts';
import { sqlStatements } from '../../harness/sqlStatements.ts';
import { newId } from '../../../src/domain/ids.ts';
import { nowMs, t, useKeysApp } from './support.ts';

// A key's nested `accessTokens` connection: its live tokens, newest first, paged per key. A page
// of keys reads at most the page (and one more) of each key's tokens, in one statement for all.

useKeysApp();

type TokenPage = {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
};
type PageArgs = { first?: number; after?: string; last?: number; before?: string };
const TOKENS = `accessTokens(first: $first, after: $after, last: $last, before: $before) {
  edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }`;
const OF_KEY = typedDocument<{ node: { accessTokens: TokenPage } | null }, PageArgs & { id: string }>(
  `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { node(id: $id) { ... on ApiKey { ${TOKENS} } } }`,
);
const OF_KEYS = typedDocument<{ apiKeys: { edges: { node: { id: string; accessTokens: TokenPage } }[] } }, PageArgs>(
  `query($first: Int, $after: String, $last: Int, $before: String) { apiKeys(first: 50) { edges { node { id ${TOKENS} } } } }`,
);

/** Tokens of a key written as /oauth/token writes them; returns the live ones' ids, newest first. */
async function addTokens(tenant: TestTenant, apiKeyId: string, live: number): Promise<string[]> {
  const ids: string[] = [];
  const minutes = (n: number) => new Date(nowMs + n * 60_000);
  const write = (fields: { expiresAt: Date; revokedAt?: Date }) => {
    const id = newId('tok');
    return t.app.db.prisma.accessToken
      .create({ data: { id, tenantId: tenant.id, apiKeyId, tokenHash: randomBytes(32).toString('hex'), scopes: [], createdAt: minutes(-1), ...fields } })
      .then(() => id);
  };
  // Dead ones between the live ones: an expired and a revoked token are never listed.
  for (let i = 0; i < live; i++) {
    ids.push(await write({ expiresAt: minutes(30) }));
    if (i % 3 === 0) await write({ expiresAt: minutes(-5) });
    if (i % 3 === 1) await write({ expiresAt: minutes(30), revokedAt: minutes(-1) });
  }
  return ids.reverse();
}

async function keyWithTokens(tenant: TestTenant, live: number) {
  const key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: [] });
  return { id: key.id, tokens: await addTokens(tenant, key.id, live) };
}

const ids = (page: TokenPage) => page.edges.map((e) => e.node.id);

async function tokensOf(id: string, args: PageArgs, token: string) {
  const response = await t.executeOperation(OF_KEY, { id, ...args }, { token });
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.node!.accessTokens;
}

describe("a key's access tokens", () => {
  it('pages forward and backward through the live tokens only, newest first', async () => {
    const a = await createTenant(t.app, 'A');
    const key = await keyWithTokens(a, 7);
    const token = a.owner.token;

    const first = await tokensOf(key.id, { first: 3 }, token);
    expect(ids(first)).toEqual(key.tokens.slice(0, 3));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await tokensOf(key.id, { first: 3, after: first.pageInfo.endCursor! }, token);
    expect(ids(second)).toEqual(key.tokens.slice(3, 6));
    const third = await tokensOf(key.id, { first: 3, after: second.pageInfo.endCursor! }, token);
    expect(ids(third)).toEqual(key.tokens.slice(6));
    expect(third.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const oldest = await tokensOf(key.id, { last: 2 }, token);
    expect(ids(oldest)).toEqual(key.tokens.slice(5));
    expect(oldest.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = await tokensOf(key.id, { last: 2, before: oldest.pageInfo.startCursor! }, token);
    expect(ids(before)).toEqual(key.tokens.slice(3, 5));
    expect((await tokensOf(key.id, {}, token)).edges).toHaveLength(7);
  });

  it("gives each key of a list its own page, and another tenant's key is not there", async () => {
    const a = await createTenant(t.app, 'A');
    const b = await createTenant(t.app, 'B');
    const keys = [await keyWithTokens(a, 5), await keyWithTokens(a, 1), await keyWithTokens(a, 0)];
    const theirs = await keyWithTokens(b, 3);
    const response = await t.executeOperation(OF_KEYS, { first: 2 }, { token: a.owner.token });
    expect(response.errors).toBeUndefined();
    const byKey = new Map(response.data!.apiKeys.edges.map((e) => [e.node.id, e.node.accessTokens]));
    expect([...byKey.keys()].sort()).toEqual(keys.map((k) => k.id).sort());
    for (const key of keys) {
      expect(ids(byKey.get(key.id)!)).toEqual(key.tokens.slice(0, 2));
      expect(byKey.get(key.id)!.pageInfo.hasNextPage).toBe(key.tokens.length > 2);
    }
    for (const id of theirs.tokens) expect(response.body).not.toContain(id);
    // The other tenant's key itself is not theirs to page.
    expect((await t.executeOperation(OF_KEY, { id: theirs.id, first: 5 }, { token: a.owner.token })).data?.node).toBeNull();
  });

  it('reads them for a whole page of keys in one statement that cuts each key\'s tokens in the database (LATERAL … LIMIT)', async () => {
    const a = await createTenant(t.app, 'A');
    for (let i = 0; i < 4; i++) await keyWithTokens(a, 6);
    const statements = await sqlStatements(t.app.db, () => t.executeOperation(OF_KEYS, { first: 2 }, { token: a.owner.token }));
    const tokenReads = statements.filter((sql) => /FROM "AccessToken"/.test(sql));
    expect(tokenReads).toHaveLength(1);
    // Each key's tokens are cut in the database (LATERAL … LIMIT), not after reading them all.
    expect(tokenReads[0]).toMatch(/CROSS JOIN LATERAL[\s\S]*LIMIT/);
  });

  it('a malformed cursor is BAD_REQUEST; a page size over the maximum is refused', async () => {
    const a = await createTenant(t.app, 'A');
    const key = await keyWithTokens(a, 1);
    for (const args of [{ first: 2, after: 'not-a-cursor' }, { last: 2, before: 'bm90LWEtY3Vyc29y' }]) {
      const response = await t.executeOperation(OF_KEY, { id: key.id, ...args }, { token: a.owner.token });
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(args)).toBe('BAD_REQUEST');
    }
    const tooMany = await t.executeOperation(OF_KEY, { id: key.id, first: 1000 }, { token: a.owner.token });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});
