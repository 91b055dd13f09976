import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { verifyKey } from '../harness/keys.ts';

// Rate limits, named limits, usage credits and identities: set and read through GraphQL, charged
// by POST /v1/verify and the GraphQL verify query.

let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await createTestApp();
  a = await createTenant(t.app, 'A');
  b = await createTenant(t.app, 'B');
});
afterAll(() => t.close());

const ERRORS = `... on Error { message code } ... on ValidationError { fieldErrors { path message } } ... on NotFoundError { resource }`;
const LIMITS = `id externalId rateLimit { limit windowMs } namedRateLimits { name limit windowMs }
  rateLimitStatus { name counting source limit windowMs remaining resetAt }
  credits { remaining refill { amount intervalSeconds } nextRefillAt }`;

async function gql(query: string, variables: Record<string, unknown>, token = a.owner.token) {
  const response = await t.graphql(query, variables, { token });
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return Object.values(response.data as object)[0] as Record<string, any>;
}

async function createKey(input: Record<string, unknown>, token = a.owner.token) {
  return gql(`mutation ($input: CreateKeyInput!) { createKey(input: $input) { __typename ... on CreateKeyPayload { key apiKey { ${LIMITS} } } ${ERRORS} } }`,
    { input: { name: 'k', ...input } }, token);
}

async function updateKey(input: Record<string, unknown>, token = a.owner.token) {
  return gql(`mutation ($input: UpdateKeyInput!) { updateKey(input: $input) { __typename ... on ApiKeyPayload { apiKey { ${LIMITS} } } ${ERRORS} } }`, { input }, token);
}

const readKey = (id: string, token = a.owner.token) => gql(`query ($id: ID!) { apiKey(id: $id) { ${LIMITS} } }`, { id }, token);
const verify = (body: Record<string, unknown>, token = a.owner.token) => verifyKey(t, token, body).then((r) => r.body as Record<string, any>);

function fieldError(result: Record<string, any>, path: string) {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  const found = result.fieldErrors.find((e: { path: string[] }) => e.path.join('.') === path);
  expect(found, JSON.stringify(result.fieldErrors)).toBeTruthy();
  return found.message as string;
}

describe('key rate limits and credits through GraphQL', () => {
  it('sets, reads (configured and left now), charges and audits without secrets', async () => {
    const created = await createKey({
      rateLimit: { limit: 3, windowMs: 60_000 },
      namedRateLimits: [{ name: 'exports', limit: 2, windowMs: 3_600_000 }],
      credits: { remaining: 10, refill: { amount: 10, intervalSeconds: 86_400 } },
    });
    expect(created.__typename).toBe('CreateKeyPayload');
    const key = created.apiKey;
    expect(key.rateLimit).toEqual({ limit: 3, windowMs: 60_000 });
    expect(key.namedRateLimits).toEqual([{ name: 'exports', limit: 2, windowMs: 3_600_000 }]);
    expect(key.credits).toMatchObject({ remaining: 10, refill: { amount: 10, intervalSeconds: 86_400 } });
    expect(key.rateLimitStatus).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'default', source: 'KEY', counting: 'KEY', remaining: 3, resetAt: null }),
      expect.objectContaining({ name: 'exports', source: 'KEY', remaining: 2 }),
    ]));

    const first = await verify({ key: created.key });
    expect(first).toMatchObject({ valid: true, rateLimit: { limit: 3, remaining: 2 }, remainingUses: 9 });
    expect(first.rateLimits).toEqual([expect.objectContaining({ name: 'default', level: 'KEY', limit: 3, remaining: 2 })]);
    const exports = await verify({ key: created.key, rateLimits: [{ name: 'exports', cost: 2 }], credits: { cost: 5 } });
    expect(exports).toMatchObject({ valid: true, rateLimits: [{ name: 'exports', remaining: 0 }], remainingUses: 4 });
    expect(await verify({ key: created.key, rateLimits: [{ name: 'exports' }] })).toMatchObject({ valid: false, code: 'RATE_LIMITED', limitName: 'exports' });
    expect(await verify({ key: created.key, rateLimits: [{ name: 'nope' }] })).toMatchObject({ valid: false, code: 'UNKNOWN_RATE_LIMIT', limitName: 'nope' });
    // A request refused by its second limit gives the first one back.
    expect(await verify({ key: created.key, rateLimits: [{ name: 'default' }, { name: 'exports' }] })).toMatchObject({ code: 'RATE_LIMITED' });
    const now = await readKey(key.id);
    expect(now.credits.remaining).toBe(4);
    expect(now.rateLimitStatus.find((s: any) => s.name === 'default')).toMatchObject({ remaining: 2 });
    expect(now.rateLimitStatus.find((s: any) => s.name === 'exports')).toMatchObject({ remaining: 0 });
    expect(Date.parse(now.rateLimitStatus.find((s: any) => s.name === 'exports').resetAt)).toBeGreaterThan(Date.now());
    // Credits: cost 5 with 4 left is refused and spends nothing.
    expect(await verify({ key: created.key, credits: { cost: 5 } })).toMatchObject({ valid: false, code: 'USAGE_EXCEEDED' });
    expect((await readKey(key.id)).credits.remaining).toBe(4);

    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: a.id, targetId: key.id }, orderBy: { seq: 'asc' } });
    expect(events[0]!.changes).toMatchObject({
      rateLimit: { limit: 3, windowMs: 60_000 }, namedRateLimits: [{ name: 'exports', limit: 2, windowMs: 3_600_000 }],
      credits: { remaining: 10, refillAmount: 10, refillIntervalSeconds: 86_400 },
    });
    const stored = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    const text = JSON.stringify(events);
    expect(text).not.toContain(stored.secretHash);
    expect(text).not.toContain(created.key.slice(-20));
  });

  it('updates: a new limit applies at once (cache invalidated), removals, credits reset', async () => {
    const created = await createKey({});
    expect(await verify({ key: created.key })).toMatchObject({ valid: true, rateLimit: null, remainingUses: null });
    const updated = await updateKey({ id: created.apiKey.id, rateLimit: { limit: 1, windowMs: 60_000 }, credits: { remaining: 5 } });
    expect(updated.apiKey).toMatchObject({ rateLimit: { limit: 1, windowMs: 60_000 }, credits: { remaining: 5, refill: null } });
    expect(await verify({ key: created.key })).toMatchObject({ valid: true, remainingUses: 4 });
    expect(await verify({ key: created.key })).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    const cleared = await updateKey({ id: created.apiKey.id, removeRateLimit: true, removeCredits: true });
    expect(cleared.apiKey).toMatchObject({ rateLimit: null, credits: null, rateLimitStatus: [] });
    expect(await verify({ key: created.key })).toMatchObject({ valid: true, rateLimit: null, remainingUses: null });
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: a.id, targetId: created.apiKey.id, action: 'key.updated' }, orderBy: { seq: 'asc' } });
    expect(events[0]!.changes).toMatchObject({ rateLimit: { before: null, after: { limit: 1, windowMs: 60_000 } } });
  });

  it.each<[string, Record<string, unknown>, string, RegExp?]>([
    ['a zero limit', { rateLimit: { limit: 0, windowMs: 60_000 } }, 'input.rateLimit.limit', /at least 1/],
    ['a window under a second', { rateLimit: { limit: 5, windowMs: 10 } }, 'input.rateLimit.windowMs', /at least 1000/],
    ['a window over 7 days', { rateLimit: { limit: 5, windowMs: 700_000_000 } }, 'input.rateLimit.windowMs', /7 days/],
    ['negative credits', { credits: { remaining: -1 } }, 'input.credits.remaining'],
    ['a refill too often', { credits: { remaining: 1, refill: { amount: 1, intervalSeconds: 5 } } }, 'input.credits.refill.intervalSeconds'],
    ['a zero refill', { credits: { remaining: 1, refill: { amount: 0, intervalSeconds: 60 } } }, 'input.credits.refill.amount'],
    ['a named limit called default', { namedRateLimits: [{ name: 'default', limit: 1, windowMs: 1000 }] }, 'input.namedRateLimits.0.name'],
    ['a bad limit name', { namedRateLimits: [{ name: '9 x', limit: 1, windowMs: 1000 }] }, 'input.namedRateLimits.0.name'],
    ['a name twice', { namedRateLimits: [{ name: 'x', limit: 1, windowMs: 1000 }, { name: 'x', limit: 2, windowMs: 1000 }] }, 'input.namedRateLimits.1.name'],
    ['an externalId with control characters', { externalId: 'a\u0001b' }, 'input.externalId'],
  ])('rejects %s on create and writes nothing', async (_label, input, path, message?) => {
    const before = await t.app.db.prisma.apiKey.count({ where: { tenantId: a.id } });
    const result = await createKey(input);
    const text = fieldError(result, path);
    if (message) expect(text).toMatch(message);
    expect(await t.app.db.prisma.apiKey.count({ where: { tenantId: a.id } })).toBe(before);
  });

  it('rejects a limit with removeRateLimit, and credits with removeCredits, on update', async () => {
    const created = await createKey({});
    fieldError(await updateKey({ id: created.apiKey.id, rateLimit: { limit: 1, windowMs: 1000 }, removeRateLimit: true }), 'input.removeRateLimit');
    fieldError(await updateKey({ id: created.apiKey.id, credits: { remaining: 1 }, removeCredits: true }), 'input.removeCredits');
  });

  it('cannot set limits on another tenant\'s key (NOT_FOUND, nothing changed)', async () => {
    const created = await createKey({});
    const result = await updateKey({ id: created.apiKey.id, rateLimit: { limit: 1, windowMs: 1000 } }, b.owner.token);
    expect(result).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect((await readKey(created.apiKey.id)).rateLimit).toBeNull();
  });

  it('refuses bad verify charges with 400 and a message naming the field', async () => {
    const created = await createKey({});
    for (const [body, message] of [
      [{ rateLimits: 'x' }, /rateLimits must be a list/],
      [{ rateLimits: [{ name: 'a', cost: -1 }] }, /cost must be a whole number/],
      [{ rateLimits: [{ name: 'a' }, { name: 'a' }] }, /twice/],
      [{ rateLimits: [{ name: 'a', extra: 1 }] }, /only name and cost/],
      [{ credits: { cost: 1.5 } }, /credits.cost/],
    ] as const) {
      const response = await verifyKey(t, a.owner.token, { key: created.key, ...body });
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body)).toMatch(message);
    }
  });

  it('the GraphQL verify query charges named limits and credits the same way', async () => {
    const created = await createKey({ namedRateLimits: [{ name: 'exports', limit: 10, windowMs: 60_000 }], credits: { remaining: 3 } });
    const query = `query ($input: VerifyInput!) { verify(input: $input) { valid code limitName remainingUses rateLimit { limit remaining } rateLimits { name level limit remaining } } }`;
    const result = await gql(query, { input: { key: created.key, rateLimits: [{ name: 'exports', cost: 4 }], credits: { cost: 2 } } });
    expect(result).toMatchObject({ valid: true, remainingUses: 1, rateLimit: { limit: 10, remaining: 6 }, rateLimits: [{ name: 'exports', level: 'KEY', remaining: 6 }] });
    expect(await gql(query, { input: { key: created.key, rateLimits: [{ name: 'imports' }] } })).toMatchObject({ valid: false, code: 'UNKNOWN_RATE_LIMIT', limitName: 'imports' });
    // Another tenant's resource server sees nothing of the key, and charges nothing.
    expect(await gql(query, { input: { key: created.key, rateLimits: [{ name: 'exports', cost: 6 }] } }, b.owner.token)).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect((await readKey(created.apiKey.id)).rateLimitStatus[0]).toMatchObject({ remaining: 6 });
  });
});

describe('group limits and credits', () => {
  it('a group gives its limits to keys without their own, and credits to new keys; changes apply at once', async () => {
    const GROUP = `id rateLimit { limit windowMs } namedRateLimits { name limit windowMs } credits { remaining refill { amount intervalSeconds } }`;
    const group = await gql(`mutation ($input: CreateGroupInput!) { createGroup(input: $input) { __typename ... on GroupPayload { group { ${GROUP} } } ${ERRORS} } }`, {
      input: { name: 'limited', rateLimit: { limit: 2, windowMs: 60_000 }, namedRateLimits: [{ name: 'exports', limit: 1, windowMs: 60_000 }], credits: { remaining: 7 } },
    });
    expect(group.group).toMatchObject({ rateLimit: { limit: 2, windowMs: 60_000 }, namedRateLimits: [{ name: 'exports', limit: 1 }], credits: { remaining: 7, refill: null } });
    const created = await createKey({ groupId: group.group.id });
    expect(created.apiKey).toMatchObject({ rateLimit: null, credits: { remaining: 7 } });
    expect(created.apiKey.rateLimitStatus).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'default', source: 'GROUP', limit: 2 }), expect.objectContaining({ name: 'exports', source: 'GROUP', limit: 1 }),
    ]));
    expect(await verify({ key: created.key })).toMatchObject({ valid: true, rateLimit: { limit: 2, remaining: 1 }, remainingUses: 6 });
    const updated = await gql(`mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { __typename ... on GroupPayload { group { ${GROUP} } } ${ERRORS} } }`, {
      input: { id: group.group.id, removeRateLimit: true, removeCredits: true },
    });
    expect(updated.group).toMatchObject({ rateLimit: null, credits: null });
    expect(await verify({ key: created.key })).toMatchObject({ valid: true, rateLimit: null, remainingUses: 5 });
    const bad = await gql(`mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { __typename ${ERRORS} } }`, {
      input: { id: group.group.id, rateLimit: { limit: 1, windowMs: 1 } },
    });
    fieldError(bad, 'input.rateLimit.windowMs');
  });
});

describe('identities', () => {
  const SET = `mutation ($input: SetIdentityLimitsInput!) { setIdentityLimits(input: $input) { __typename
    ... on IdentityPayload { identity { externalId keyCount rateLimit { limit windowMs } namedRateLimits { name } rateLimitStatus { name counting remaining } } } ${ERRORS} } }`;

  it('keys of one externalId share its limits; apiKeys(filter: { externalId }) lists them; other tenants are apart', async () => {
    const one = await createKey({ externalId: 'cust-42' });
    const two = await createKey({ externalId: 'cust-42' });
    const elsewhere = await createKey({ externalId: 'cust-42' }, b.owner.token);
    expect(one.apiKey.externalId).toBe('cust-42');
    const set = await gql(SET, { input: { externalId: 'cust-42', rateLimit: { limit: 3, windowMs: 60_000 }, namedRateLimits: [{ name: 'exports', limit: 1, windowMs: 60_000 }] } });
    expect(set.identity).toMatchObject({ externalId: 'cust-42', keyCount: 2, rateLimit: { limit: 3, windowMs: 60_000 } });

    expect(await verify({ key: one.key })).toMatchObject({ valid: true, rateLimits: [{ name: 'default', level: 'IDENTITY', remaining: 2 }] });
    expect(await verify({ key: two.key })).toMatchObject({ valid: true, rateLimits: [{ level: 'IDENTITY', remaining: 1 }] });
    expect(await verify({ key: one.key })).toMatchObject({ valid: true, rateLimits: [{ remaining: 0 }] });
    expect(await verify({ key: two.key })).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    expect(await verify({ key: one.key, rateLimits: [{ name: 'exports' }] })).toMatchObject({ valid: true });
    expect(await verify({ key: two.key, rateLimits: [{ name: 'exports' }] })).toMatchObject({ valid: false, code: 'RATE_LIMITED', limitName: 'exports' });
    // Tenant B's identity of the same externalId is another identity, with no limits.
    expect(await verify({ key: elsewhere.key }, b.owner.token)).toMatchObject({ valid: true, rateLimits: [] });

    const list = await gql(`query ($f: ApiKeyFilter) { apiKeys(filter: $f) { edges { node { id } } } }`, { f: { externalId: 'cust-42' } });
    expect(list.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual([one.apiKey.id, two.apiKey.id].sort());
    const listB = await gql(`query ($f: ApiKeyFilter) { apiKeys(filter: $f) { edges { node { id } } } }`, { f: { externalId: 'cust-42' } }, b.owner.token);
    expect(listB.edges).toEqual([{ node: { id: elsewhere.apiKey.id } }]);
    const read = await gql(`query { identity(externalId: "cust-42") { externalId keyCount rateLimitStatus { name remaining } } }`, {});
    expect(read).toMatchObject({ keyCount: 2, rateLimitStatus: expect.arrayContaining([{ name: 'default', remaining: 0 }]) });
    expect(await gql(`query { identity(externalId: "nobody") { externalId } }`, {})).toBeNull();

    // Detached, a key no longer shares the identity's limits.
    const detached = await updateKey({ id: two.apiKey.id, externalId: '' });
    expect(detached.apiKey).toMatchObject({ externalId: null, rateLimitStatus: [] });
    expect(await verify({ key: two.key })).toMatchObject({ valid: true });
  });

  it('first uses of a new externalId at once all succeed, with one identity created and audited once', async () => {
    // On PostgreSQL these race on the identity's unique index; each must still answer its own write.
    const externalId = 'cust-concurrent';
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => createKey({ externalId })),
      gql(SET, { input: { externalId, rateLimit: { limit: 9, windowMs: 60_000 } } }),
    ]);
    expect(results.map((r) => r.__typename)).toEqual([...Array(8).fill('CreateKeyPayload'), 'IdentityPayload']);
    expect(new Set(results.slice(0, 8).map((r) => r.apiKey.externalId))).toEqual(new Set([externalId]));
    expect(await gql(`query ($e: String!) { identity(externalId: $e) { keyCount rateLimit { limit } } }`, { e: externalId }))
      .toEqual({ keyCount: 8, rateLimit: { limit: 9 } });
    const created = await gql(`query { auditEvents(filter: { action: "identity.created" }) { edges { node { changes } } } }`, {});
    expect(created.edges.filter((e: { node: { changes: { externalId?: string } } }) => e.node.changes.externalId === externalId)).toHaveLength(1);
  });

  it('rejects bad identity inputs', async () => {
    fieldError(await gql(SET, { input: { externalId: '', rateLimit: { limit: 1, windowMs: 1000 } } }), 'input.externalId');
    fieldError(await gql(SET, { input: { externalId: 'x', rateLimit: { limit: 1, windowMs: 1000 }, removeRateLimit: true } }), 'input.removeRateLimit');
    fieldError(await gql(SET, { input: { externalId: 'x' } }), 'input.rateLimit');
    fieldError(await gql(SET, { input: { externalId: 'x'.repeat(300), rateLimit: { limit: 1, windowMs: 1000 } } }), 'input.externalId');
  });
});
