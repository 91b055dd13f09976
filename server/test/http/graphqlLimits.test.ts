import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

  it('cost multiplies by a literal `first`: the threshold runs, one more is refused', async () => {
    // apiKeys(first: 100) { __typename } costs (2 + 1.5 × 1) × 100 = 350; a top-level __typename, 1.
    const pages = Math.floor(LIMITS.maxCost / 350);
    const costing = (cost: number) => `{ ${times(pages, (i) => `p${i}: apiKeys(first: 100) { __typename }`)} ${'__typename '.repeat(cost - pages * 350)}}`;
    expect(pages).toBeLessThanOrEqual(LIMITS.maxAliases);
    expectRan(await t.graphql(costing(LIMITS.maxCost), undefined, { token: tenant.owner.token }));
    expectRefused(await t.graphql(costing(LIMITS.maxCost + 1), undefined, { token: tenant.owner.token }), 'maxCost');
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
