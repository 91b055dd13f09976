import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DocumentNode } from 'graphql';
import { DEFAULT_PAGE_SIZE as SDK_PAGE_SIZE } from '../../../sdk/src/pagination.ts';
import { loadConfig } from '../../src/config.ts';
import { passwords } from '../../src/services/sessions.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';

// The operation limits at their defaults: each refuses one step past its threshold and lets the
// document at the threshold run; the abuse documents of issue 13 are refused before execution.

const LIMITS = loadConfig({}).graphqlLimits;

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.app);
});
afterAll(() => t?.close());

const times = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

function expectRefused(response: Awaited<ReturnType<TestApp['graphql']>>, limit: string) {
  expect(response.data ?? null).toBeNull();
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
  expect(response.errors![0]!.extensions?.limit).toBe(limit);
  expect(response.errors![0]!.message).toContain(`(${limit})`);
}

/** Executed: whatever the field answered (a wrong password is UNAUTHENTICATED), no limit refused it. */
function expectNotRefused(response: Awaited<ReturnType<TestApp['graphql']>>) {
  expect((response.errors ?? []).map((e) => e.extensions?.limit ?? e.extensions?.code)).not.toContain('BAD_REQUEST');
  expect((response.errors ?? []).map((e) => e.extensions?.limit)).toEqual((response.errors ?? []).map(() => undefined));
}

function expectRan(response: Awaited<ReturnType<TestApp['graphql']>>) {
  expect(response.errors).toBeUndefined();
  expect(response.data).toBeTruthy();
}

describe('operation limits', () => {
  it('depth: the threshold runs, one level more is refused', async () => {
    // __type at depth 1, then ofType levels, then name.
    const nested = (depth: number) => `{ __type(name: "Query") { ${'ofType { '.repeat(depth - 2)}name${' }'.repeat(depth - 2)} } }`;
    expectRan(await t.graphql(nested(LIMITS.maxDepth)));
    expectRefused(await t.graphql(nested(LIMITS.maxDepth + 1)), 'maxDepth');
  });

  it('aliases: the threshold runs, one more is refused', async () => {
    const aliased = (n: number) => `{ ${times(n, (i) => `v${i}: viewer { kind }`)} }`;
    expectRan(await t.graphql(aliased(LIMITS.maxAliases)));
    expectRefused(await t.graphql(aliased(LIMITS.maxAliases + 1)), 'maxAliases');
  });

  it('tokens: the threshold runs, one more is refused', async () => {
    // Padded with small operations (5 tokens each, and few repeated fields: graphql-js's overlap
    // check has its own budget); `query Main { viewer { kind } }` is 8 tokens, each __typename one more.
    const padded = (tokens: number) => {
      const others = Math.floor((tokens - 8) / 5);
      return `query Main { viewer { kind } ${'__typename '.repeat(tokens - 8 - others * 5)}} ${times(others, (i) => `query Q${i} { __typename }`)}`;
    };
    const send = async (query: string) => {
      const response = await t.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, operationName: 'Main' }) });
      return (await response.json()) as Awaited<ReturnType<TestApp['graphql']>>;
    };
    expectRan(await send(padded(LIMITS.maxTokens)));
    expectRefused(await send(padded(LIMITS.maxTokens + 1)), 'maxTokens');
  });

  it('directives: the threshold runs, one more is refused', async () => {
    const directed = (n: number) => `{ viewer { kind } ${times(n, () => '__typename @include(if: true)')} }`;
    expectRan(await t.graphql(directed(LIMITS.maxDirectives)));
    expectRefused(await t.graphql(directed(LIMITS.maxDirectives + 1)), 'maxDirectives');
  });

  // A page: apiKeys(first: n) { edges { node { id name } } } costs (10 + (10 + (10 + 1 + 1))) × n = 32 × n
  // (objects 10, scalars 1, the same at every depth); as many pages of 100 as the aliases allow, then
  // top-level __typename (1 each) up to the cost.
  const PAGE = 32;
  const pages = Math.min(LIMITS.maxAliases, Math.floor(LIMITS.maxCost / (PAGE * 100)));
  /**
   * The rest of the cost, without aliases (all are spent on the pages): unaliased lists of 4 × k
   * items (128 each), then top-level __typename, few (graphql-js's overlap check has its own budget).
   */
  const padding = (cost: number) => {
    let rest = cost - pages * PAGE * 100;
    const lists: string[] = [];
    for (const field of ['groups', 'members', 'roles', 'scopes']) {
      const n = Math.min(100, 4 * Math.floor(rest / (PAGE * 4)));
      if (n > 0) lists.push(`${field}(first: ${n}) { edges { node { id name } } }`);
      rest -= n * PAGE;
    }
    expect(rest).toBeLessThan(PAGE * 4);
    return `${lists.join(' ')} ${'__typename '.repeat(rest)}`;
  };
  const page = (i: number, first: string) => `p${i}: apiKeys(first: ${first}) { edges { node { id name } } }`;

  it('cost multiplies by a literal `first`: the threshold runs, one more is refused', async () => {
    const costing = (cost: number) => `{ ${times(pages, (i) => page(i, '100'))} ${padding(cost)}}`;
    expect(pages * PAGE * 100).toBeGreaterThan(LIMITS.maxCost / 2);
    expectRan(await t.graphql(costing(LIMITS.maxCost), undefined, { token: tenant.owner.token }));
    expectRefused(await t.graphql(costing(LIMITS.maxCost + 1), undefined, { token: tenant.owner.token }), 'maxCost');
  });

  it('cost counts a `first` passed as a variable: the same document runs at the threshold, one more is refused', async () => {
    // At $n = 100 exactly the limit; at 101, pages × 32 more.
    const document = `query($n: Int!) { ${times(pages, (i) => page(i, '$n'))} ${padding(LIMITS.maxCost)}}`;
    const owner = { token: tenant.owner.token };
    expectRan(await t.graphql(document, { n: 100 }, owner));
    // Validation results are cached per document: the variables are counted on every request.
    expectRefused(await t.graphql(document, { n: 101 }, owner), 'maxCost');
    expectRan(await t.graphql(document, { n: 1 }, owner));
    // The page size as a literal, the same figure.
    expectRefused(await t.graphql(document.replace('($n: Int!)', '').replaceAll('$n', '101'), undefined, owner), 'maxCost');
  });

  it('a connection asked for without `first` counts its default page size (20)', async () => {
    const owner = { token: tenant.owner.token };
    // The default page of 20 items is 32 × 20 = 640 more.
    const costing = (withFirst: string) => `{ ${times(pages, (i) => page(i, '100'))} apiKeys${withFirst} { edges { node { id name } } } ${padding(LIMITS.maxCost - PAGE * 20)}}`;
    expectRefused(await t.graphql(costing('(first: 21)'), undefined, owner), 'maxCost');
    expectRan(await t.graphql(costing('(first: 20)'), undefined, owner));
    expectRan(await t.graphql(costing(''), undefined, owner));
    expectRefused(await t.graphql(costing('').replace('__typename', '__typename __typename'), undefined, owner), 'maxCost');
    expect(costing('')).toContain('__typename');
  });

  it('a refusal for a variable page size comes before anything is executed', async () => {
    const owner = { token: tenant.owner.token };
    const name = (n: number) => `limits:variable${n}`;
    const document = `mutation($n: Int, $name: String!) {
      s: createScope(input: { name: $name }) { __typename }
      k: createKey(input: { name: "variable cost" }) { ... on CreateKeyPayload { apiKey { accessTokens(first: $n) { edges { node { id } } } } } }
    }`;
    expectRefused(await t.graphql(document, { n: 1_000_000, name: name(1) }, owner), 'maxCost');
    expect(await t.app.db.prisma.scope.count({ where: { tenantId: tenant.id, name: name(1) } })).toBe(0);
    expect(await t.app.db.prisma.apiKey.count({ where: { tenantId: tenant.id, name: 'variable cost' } })).toBe(0);
    expectRan(await t.graphql(document, { n: 10, name: name(2) }, owner));
    expect(await t.app.db.prisma.scope.count({ where: { tenantId: tenant.id, name: name(2) } })).toBe(1);
  });

  it("a variable's default page size is counted, unless the request gives another", async () => {
    const owner = { token: tenant.owner.token };
    const document = (n: number) => `query($n: Int = ${n}) { ${times(pages, (i) => page(i, '$n'))} }`;
    expectRan(await t.graphql(document(100), undefined, owner));
    expectRefused(await t.graphql(document(200), undefined, owner), 'maxCost');
    expectRan(await t.graphql(document(200), { n: 100 }, owner));
    // An explicit null is no page size: the connection's default (20).
    expectRan(await t.graphql(document(200), { n: null }, owner));
    // `last` and fragments too.
    expectRefused(await t.graphql(`query($n: Int = 200) { ...F } fragment F on Query { ${times(pages, (i) => page(i, '$n').replace('first', 'last'))} }`, undefined, owner), 'maxCost');
  });

  it("every SDK operation is within the default cost at the SDK's default page size", async () => {
    const { schema } = await import('../../src/schema/index.ts');
    const { operationCost } = await import('../../src/http/operationLimits.ts');
    const documents = Object.entries(await import('../../../sdk/src/gql/graphql.ts')).filter(([name]) => name.endsWith('Document'));
    expect(documents.length).toBeGreaterThan(40);
    for (const [name, document] of documents) {
      const cost = operationCost(schema, document as DocumentNode, { first: SDK_PAGE_SIZE });
      expect({ name, cost, within: cost <= LIMITS.maxCost }).toEqual({ name, cost, within: true });
    }
  });

  it('a page size that is no Int gets the ordinary error, not a limit and not INTERNAL', async () => {
    const owner = { token: tenant.owner.token };
    const document = `query($n: Int) { apiKeys(first: $n) { edges { node { id } } } }`;
    for (const n of [1.5, '100', 2 ** 31, 1e300, [100], { n: 100 }, true]) {
      const response = await t.graphql(document, { n }, owner);
      expect(response.data ?? null).toBeNull();
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
      expect(response.errors![0]!.extensions?.limit).toBeUndefined();
      expect(response.errors![0]!.message).toMatch(/^(Variable "\$n" got invalid value|Int cannot represent)/);
    }
    // A negative one: the connection's own refusal.
    const negative = await t.graphql(document, { n: -1 }, owner);
    expect(negative.errors?.[0]?.extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(negative.errors?.[0]?.message).toContain('non-negative');
    // The largest Int is counted, and refused by the limit.
    expectRefused(await t.graphql(document, { n: 2 ** 31 - 1 }, owner), 'maxCost');
    // Variables that are not an object: Yoga's own refusal.
    const response = await t.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.owner.token}` }, body: JSON.stringify({ query: document, variables: [1] }) });
    expect(response.status).toBe(400);
  });

  it('each limit is a setting', () => {
    const limits = loadConfig({
      KEYWARDEN_GRAPHQL_MAX_DEPTH: '3', KEYWARDEN_GRAPHQL_MAX_ALIASES: '4', KEYWARDEN_GRAPHQL_MAX_TOKENS: '5',
      KEYWARDEN_GRAPHQL_MAX_DIRECTIVES: '6', KEYWARDEN_GRAPHQL_MAX_COST: '7',
    }).graphqlLimits;
    expect(limits).toEqual({ maxDepth: 3, maxAliases: 4, maxTokens: 5, maxDirectives: 6, maxCost: 7 });
    expect(() => loadConfig({ KEYWARDEN_GRAPHQL_MAX_DEPTH: 'deep' })).toThrow(/KEYWARDEN_GRAPHQL_MAX_DEPTH/);
  });

  it('a configured limit is the one enforced', async () => {
    const small = await createTestApp({ env: { KEYWARDEN_GRAPHQL_MAX_ALIASES: '1' }, db: t.app.db });
    try {
      expectRan(await small.graphql('{ a: viewer { kind } }'));
      expectRefused(await small.graphql('{ a: viewer { kind } b: viewer { kind } }'), 'maxAliases');
    } finally {
      await small.close();
    }
  });
});

describe('the abuse documents of issue 13 are refused before execution', () => {
  it("1,000 aliases of an owner's apiKeys(first: 100)", async () => {
    const response = await t.graphql(`{ ${times(1000, (i) => `k${i}: apiKeys(first: 100) { edges { node { id name } } }`)} }`, undefined, { token: tenant.owner.token });
    expect(response.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
    expect(response.data ?? null).toBeNull();
  });

  it('38,000 anonymous viewer { kind } aliases', async () => {
    const response = await t.graphql(`{ ${times(38_000, (i) => `v${i}: viewer { kind }`)} }`);
    expectRefused(response, 'maxTokens');
  });

  it('depth-50 nesting of me { sessions { edges { node { member { sessions …', async () => {
    let selection = 'id';
    while (selection.split('{').length - 1 < 49) selection = `sessions { edges { node { member { ${selection} } } } }`;
    const response = await t.graphql(`{ me { ${selection} } }`, undefined, { token: tenant.owner.token });
    expectRefused(response, 'maxDepth');
  });

  it('100 aliased login mutations', async () => {
    const response = await t.graphql(`mutation { ${times(100, (i) => `l${i}: login(input: { tenant: "${tenant.slug}", email: "owner@example.test", password: "p${i}" }) { __typename }`)} }`);
    expect(response.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
    expect(response.data ?? null).toBeNull();
    expect(await t.app.db.prisma.session.count({ where: { tenantId: tenant.id } })).toBe(1);
  });
});

describe('at most one argon2 field per operation', () => {
  const LOGIN = (alias: string) => `${alias}: login(input: { tenant: "t", email: "a@example.test", password: "p" }) { __typename }`;

  it('one login runs; two in one operation are refused before any hashing', async () => {
    const hashes = vi.spyOn(passwords, 'verify');
    try {
      expectNotRefused(await t.graphql(`mutation { ${LOGIN('a')} }`));
      expect(hashes).toHaveBeenCalledTimes(1);
      expectRefused(await t.graphql(`mutation { ${LOGIN('a')} ${LOGIN('b')} }`), 'oneArgon2FieldPerOperation');
      expect(hashes).toHaveBeenCalledTimes(1);
    } finally {
      hashes.mockRestore();
    }
  });

  it('counts login, setMemberPassword and createMember with a password, through fragments', async () => {
    const SET = 'setMemberPassword(input: { memberId: "m", password: "long enough password" }) { __typename }';
    const CREATE = (input: string) => `createMember(input: ${input}) { __typename }`;
    const owner = { token: tenant.owner.token };
    expectRefused(await t.graphql(`mutation { ${LOGIN('a')} ${SET} }`, undefined, owner), 'oneArgon2FieldPerOperation');
    expectRefused(await t.graphql(`mutation($i: CreateMemberInput!) { ${SET} ${CREATE('$i')} }`, { i: {} }, owner), 'oneArgon2FieldPerOperation');
    expectRefused(await t.graphql(`mutation { ...F ${LOGIN('b')} } fragment F on Mutation { ${LOGIN('a')} }`), 'oneArgon2FieldPerOperation');
    // Without a password createMember hashes nothing.
    const noPassword = CREATE('{ email: "x@example.test", name: "X", roleId: "r" }');
    const response = await t.graphql(`mutation { ${SET} ${noPassword.replace('createMember', 'c: createMember')} }`, undefined, owner);
    expect((response.errors ?? []).map((e) => e.extensions?.limit)).not.toContain('oneArgon2FieldPerOperation');
  });

  it('one per operation, not per document', async () => {
    const response = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation A { ${LOGIN('a')} } mutation B { ${LOGIN('b')} }`, operationName: 'B' }),
    });
    const body = (await response.json()) as Awaited<ReturnType<TestApp['graphql']>>;
    expectNotRefused(body);
    expect(body.errors?.[0]?.path).toEqual(['b']);
  });
});

describe('introspection and suggestions', () => {
  const INTROSPECT = '{ __schema { queryType { name } } }';
  const TYPE = '{ __type(name: "Query") { name } }';
  const TYPO = '{ viewer { kindd } }';

  it('in production: refused to anonymous callers, open with a credential', async () => {
    const production = await createTestApp({ env: { NODE_ENV: 'production' }, db: t.app.db });
    try {
      expect(production.app.config.introspection).toBe('authenticated');
      for (const query of [INTROSPECT, TYPE]) {
        const anonymous = await production.graphql(query);
        expect(anonymous.data ?? null).toBeNull();
        expect(anonymous.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
        expect(anonymous.errors?.[0]?.message).toContain('KEYWARDEN_INTROSPECTION');
        const owner = await production.graphql(query, undefined, { token: tenant.owner.token });
        expectRan(owner);
      }
      const typo = await production.graphql(TYPO);
      expect(typo.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(typo.body).not.toContain('Did you mean');
      expect(typo.errors?.[0]?.message).toBe('Cannot query field "kindd" on type "Viewer".');
      // A credential that does not authenticate is anonymous too.
      expect((await production.graphql(TYPO, undefined, { token: 'kws_not-a-session' })).body).not.toContain('Did you mean');
      expect((await production.graphql(TYPO, undefined, { token: tenant.owner.token })).errors?.[0]?.message).toContain('Did you mean "kind"?');
    } finally {
      await production.close();
    }
  });

  it('outside production, and with KEYWARDEN_INTROSPECTION=always, open to everyone; never: to no one', async () => {
    expect(t.app.config.introspection).toBe('always');
    expectRan(await t.graphql(INTROSPECT));
    expect((await t.graphql(TYPO)).errors?.[0]?.message).toContain('Did you mean "kind"?');
    expect(loadConfig({ NODE_ENV: 'production', KEYWARDEN_INTROSPECTION: 'always' }).introspection).toBe('always');
    expect(() => loadConfig({ KEYWARDEN_INTROSPECTION: 'sometimes' })).toThrow(/KEYWARDEN_INTROSPECTION/);
    const never = await createTestApp({ env: { KEYWARDEN_INTROSPECTION: 'never' }, db: t.app.db });
    try {
      expect((await never.graphql(INTROSPECT, undefined, { token: tenant.owner.token })).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect((await never.graphql(TYPO, undefined, { token: tenant.owner.token })).body).not.toContain('Did you mean');
    } finally {
      await never.close();
    }
  });
});
