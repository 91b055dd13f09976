import { describe, expect, it } from 'vitest';
import { useTestApp } from '../harness/useTestApp.ts';
import { RESULT_FIELDS, expectAuthCases } from '../harness/authCases.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { newId } from '../../src/domain/ids.ts';

// Fixture sessions live one real hour; this clock stays inside it.
const START = Math.floor((Date.now() - 30 * 60_000) / 1000) * 1000;

const t = useTestApp({ clock: () => new Date(START) });

const GROUP = `id name description defaultScopes limitsScopes scopeLimit defaultExpirySeconds keyCount createdAt updatedAt
  ipRules { action cidr level description }`;
const ERRORS = `${RESULT_FIELDS} ... on NotFoundError { resource }`;
const CREATE = `mutation($input: CreateGroupInput!) { createGroup(input: $input) { ${ERRORS} ... on GroupPayload { group { ${GROUP} } } } }`;
const UPDATE = `mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { ${ERRORS} ... on GroupPayload { group { ${GROUP} } } } }`;
const DELETE = `mutation($input: DeleteGroupInput!) { deleteGroup(input: $input) {
  ${ERRORS} ... on DeleteGroupPayload { deletedGroupId movedKeyCount revokedKeyCount } } }`;
const GET = `query($id: ID!) { group(id: $id) { ${GROUP} } }`;
const LIST = `query($filter: GroupFilter, $after: String, $first: Int) { groups(filter: $filter, after: $after, first: $first) {
  edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`;
const CREATE_KEY = `mutation($input: CreateKeyInput!) { createKey(input: $input) { ${ERRORS}
  ... on CreateKeyPayload { apiKey { id scopes effectiveScopes expiresAt status revokedReason group { id } } } } }`;
const GET_KEY = `query($id: ID!) { apiKey(id: $id) { id status effectiveScopes revokedReason group { id } } }`;

type Result = Record<string, any>;

async function call(document: string, variables: Record<string, unknown>, token: string): Promise<Result> {
  const response = await t.graphql(document, variables, { token });
  expect(response.errors, response.body).toBeUndefined();
  return Object.values(response.data as Result)[0];
}

async function makeGroup(tenant: TestTenant, input: Record<string, unknown> = {}) {
  const result = await call(CREATE, { input: { name: `group ${newId('grp').slice(-8)}`, ...input } }, tenant.owner.token);
  expect(result.__typename, JSON.stringify(result)).toBe('GroupPayload');
  return result.group as Result;
}

async function makeKey(tenant: TestTenant, input: Record<string, unknown> = {}) {
  const result = await call(CREATE_KEY, { input: { name: 'k', ...input } }, tenant.owner.token);
  expect(result.__typename, JSON.stringify(result)).toBe('CreateKeyPayload');
  return result.apiKey as Result;
}

function expectFieldError(result: Result, path: string[], message?: string | RegExp) {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  const match = result.fieldErrors.find((e: { path: string[] }) => e.path.join('.') === path.join('.'));
  expect(match, `no field error at ${path.join('.')}: ${JSON.stringify(result.fieldErrors)}`).toBeTruthy();
  if (message) expect(match.message).toMatch(message);
}

async function tenantState(tenantId: string): Promise<string> {
  const db = t.app.db.prisma;
  const [groups, keys, rules, audit] = await Promise.all([
    db.group.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    db.apiKey.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    db.ipRule.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    db.auditEvent.count({ where: { tenantId } }),
  ]);
  return JSON.stringify({ groups, keys, rules, audit }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

async function addScopes(tenant: TestTenant, names: string[]) {
  await t.app.db.prisma.scope.createMany({ data: names.map((name) => ({ id: newId('scp'), tenantId: tenant.id, name })) });
}

describe('createGroup', () => {
  it('creates a group with default scopes, a scope limit, a default expiry and IP rules, and audits it', async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const group = await makeGroup(a, {
      name: 'Partners', description: 'Keys for partner integrations', defaultScopes: ['tickets:read'], limitsScopes: true,
      scopeLimit: ['tickets:read', 'tickets:write'], defaultExpirySeconds: 86_400,
      ipRules: [{ action: 'ALLOW', cidr: '203.0.113.0/24', description: 'partner NAT' }, { action: 'DENY', cidr: '2001:db8::1' }],
    });
    expect(group).toMatchObject({
      name: 'Partners', description: 'Keys for partner integrations', defaultScopes: ['tickets:read'], limitsScopes: true,
      scopeLimit: ['tickets:read', 'tickets:write'], defaultExpirySeconds: 86_400, keyCount: 0,
      ipRules: [
        { action: 'ALLOW', cidr: '203.0.113.0/24', level: 'GROUP', description: 'partner NAT' },
        { action: 'DENY', cidr: '2001:db8::1/128', level: 'GROUP', description: '' },
      ],
    });
    const [event] = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: a.id, targetId: group.id } });
    expect(event).toMatchObject({ action: 'group.created', targetType: 'Group', actorId: a.owner.id });
    expect(event!.changes).toMatchObject({ name: 'Partners', ipRules: ['ALLOW 203.0.113.0/24', 'DENY 2001:db8::1/128'] });
  });

  it('names are unique per tenant, not across tenants', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    await makeGroup(a, { name: 'Integrations' });
    await makeGroup(b, { name: 'Integrations' });
    const before = await tenantState(a.id);
    const taken = await call(CREATE, { input: { name: 'Integrations', ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] } }, a.owner.token);
    expect(taken).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'name' });
    expect(taken.message).toContain('Integrations');
    expect(await tenantState(a.id)).toBe(before);
  });

  it.each([
    ['an empty name', { name: '' }, ['input', 'name']],
    ['a malformed default scope', { defaultScopes: ['Tickets'] }, ['input', 'defaultScopes', '0']],
    ['an unknown default scope', { defaultScopes: ['billing:read'] }, ['input', 'defaultScopes', '0'], /catalogue/],
    ['an unknown scope in the limit', { limitsScopes: true, scopeLimit: ['keys:read', 'billing:read'] }, ['input', 'scopeLimit', '1']],
    ['defaults outside the limit', { defaultScopes: ['keys:write'], limitsScopes: true, scopeLimit: ['keys:read'] }, ['input', 'defaultScopes'], /keys:write/],
    ['a default expiry under a minute', { defaultExpirySeconds: 30 }, ['input', 'defaultExpirySeconds']],
    ['a default expiry beyond the tenant maximum', { defaultExpirySeconds: 3 * 86_400 }, ['input', 'defaultExpirySeconds'], /2 days/],
    ['a bad IPv6 rule', { ipRules: [{ action: 'DENY', cidr: '::gggg' }] }, ['input', 'ipRules', '0', 'cidr'], /"::gggg"/],
    ['an IPv4 prefix over 32', { ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/33' }] }, ['input', 'ipRules', '0', 'cidr'], /10\.0\.0\.0\/33/],
  ] as const)('rejects %s with a field error and writes nothing', async (_label, input, path, message?) => {
    const a = await createTenant(t.app);
    await t.app.db.prisma.tenant.update({ where: { id: a.id }, data: { maxKeyLifetimeSeconds: 2 * 86_400 } });
    const before = await tenantState(a.id);
    expectFieldError(await call(CREATE, { input: { name: 'g', ...input } }, a.owner.token), [...path], message);
    expect(await tenantState(a.id)).toBe(before);
  });
});

describe('keys in a group', () => {
  it("take the group's default scopes and default expiry (never beyond the tenant maximum)", async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const group = await makeGroup(a, { defaultScopes: ['tickets:read'], defaultExpirySeconds: 5 * 86_400 });
    const defaulted = await makeKey(a, { groupId: group.id });
    expect(defaulted).toMatchObject({ scopes: ['tickets:read'], group: { id: group.id }, expiresAt: new Date(START + 5 * 86_400_000).toISOString() });
    const explicit = await makeKey(a, { groupId: group.id, scopes: ['tickets:write'], expiresIn: '1h' });
    expect(explicit).toMatchObject({ scopes: ['tickets:write'], expiresAt: new Date(START + 3_600_000).toISOString() });

    // The tenant maximum shrank after the group was set up: it wins.
    await t.app.db.prisma.tenant.update({ where: { id: a.id }, data: { maxKeyLifetimeSeconds: 86_400 } });
    expect((await makeKey(a, { groupId: group.id })).expiresAt).toBe(new Date(START + 86_400_000).toISOString());
    expect((await call(GET, { id: group.id }, a.owner.token)).keyCount).toBe(3);
  });

  it("refuses key scopes outside the group's limit, and narrowing the limit shrinks effective scopes at once", async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const group = await makeGroup(a, { limitsScopes: true, scopeLimit: ['tickets:read', 'tickets:write'] });
    const key = await makeKey(a, { groupId: group.id, scopes: ['tickets:read', 'tickets:write'] });
    expect(key.effectiveScopes).toEqual(['tickets:read', 'tickets:write']);

    const updated = await call(UPDATE, { input: { id: group.id, scopeLimit: ['tickets:read'] } }, a.owner.token);
    expect(updated.group.scopeLimit).toEqual(['tickets:read']);
    expect((await call(GET_KEY, { id: key.id }, a.owner.token)).effectiveScopes).toEqual(['tickets:read']);

    const outside = await call(CREATE_KEY, { input: { name: 'k', groupId: group.id, scopes: ['tickets:write'] } }, a.owner.token);
    expectFieldError(outside, ['input', 'scopes'], /tickets:write/);

    await call(UPDATE, { input: { id: group.id, limitsScopes: false } }, a.owner.token);
    expect((await call(GET_KEY, { id: key.id }, a.owner.token)).effectiveScopes).toEqual(['tickets:read', 'tickets:write']);
  });
});

describe('updateGroup', () => {
  it('renames, replaces IP rules, clears the default expiry, and audits before/after', async () => {
    const a = await createTenant(t.app);
    const group = await makeGroup(a, { name: 'Old', defaultExpirySeconds: 3600, ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });
    const updated = await call(UPDATE, {
      input: { id: group.id, name: 'New', description: 'd', clearDefaultExpiry: true, ipRules: [{ action: 'DENY', cidr: '::ffff:192.0.2.0/120' }] },
    }, a.owner.token);
    expect(updated.group).toMatchObject({
      name: 'New', description: 'd', defaultExpirySeconds: null, ipRules: [{ action: 'DENY', cidr: '::ffff:192.0.2.0/120', level: 'GROUP' }],
    });
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: a.id, targetId: group.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['group.created', 'group.updated']);
    expect(events[1]!.changes).toMatchObject({
      name: { before: 'Old', after: 'New' }, defaultExpirySeconds: { before: 3600, after: null },
      ipRules: { before: ['ALLOW 10.0.0.0/8'], after: ['DENY ::ffff:192.0.2.0/120'] },
    });
    expect(await t.app.db.prisma.ipRule.count({ where: { tenantId: a.id } })).toBe(1);
  });

  it('rejects a taken name, bad input and unknown ids, writing nothing', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    await makeGroup(a, { name: 'Taken' });
    const group = await makeGroup(a, { name: 'Mine' });
    const theirs = await makeGroup(b, { name: 'Theirs' });
    const before = await tenantState(a.id);
    expect(await call(UPDATE, { input: { id: group.id, name: 'Taken' } }, a.owner.token)).toMatchObject({ __typename: 'ConflictError', field: 'name' });
    expectFieldError(await call(UPDATE, { input: { id: group.id, defaultExpirySeconds: 600, clearDefaultExpiry: true } }, a.owner.token), ['input', 'clearDefaultExpiry']);
    expectFieldError(await call(UPDATE, { input: { id: group.id, ipRules: [{ action: 'ALLOW', cidr: '1.2.3' }] } }, a.owner.token), ['input', 'ipRules', '0', 'cidr'], /"1\.2\.3"/);
    expectFieldError(await call(UPDATE, { input: { id: group.id, scopeLimit: ['nope:nope'] } }, a.owner.token), ['input', 'scopeLimit', '0']);
    expect(await call(UPDATE, { input: { id: theirs.id, name: 'x' } }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', resource: 'Group' });
    expect(await tenantState(a.id)).toBe(before);
  });
});

describe('deleteGroup', () => {
  it('deletes an empty group with its IP rules', async () => {
    const a = await createTenant(t.app);
    const group = await makeGroup(a, { ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });
    expect(await call(DELETE, { input: { id: group.id } }, a.owner.token)).toEqual({
      __typename: 'DeleteGroupPayload', deletedGroupId: group.id, movedKeyCount: 0, revokedKeyCount: 0,
    });
    expect(await t.app.db.prisma.ipRule.count({ where: { tenantId: a.id } })).toBe(0);
    const gone = await t.graphql(GET, { id: group.id }, { token: a.owner.token });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses to delete a group that holds keys unless told what happens to them', async () => {
    const a = await createTenant(t.app);
    const group = await makeGroup(a);
    await makeKey(a, { groupId: group.id });
    await makeKey(a, { groupId: group.id });
    const before = await tenantState(a.id);
    const refused = await call(DELETE, { input: { id: group.id } }, a.owner.token);
    expect(refused).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(refused.message).toContain('2 keys');
    expect(await tenantState(a.id)).toBe(before);
  });

  it('moves the keys to another group when asked', async () => {
    const a = await createTenant(t.app);
    const group = await makeGroup(a);
    const target = await makeGroup(a);
    const keys = [await makeKey(a, { groupId: group.id }), await makeKey(a, { groupId: group.id })];
    expect(await call(DELETE, { input: { id: group.id, moveKeysTo: target.id } }, a.owner.token)).toMatchObject({ movedKeyCount: 2, revokedKeyCount: 0 });
    for (const key of keys) expect(await call(GET_KEY, { id: key.id }, a.owner.token)).toMatchObject({ status: 'ACTIVE', group: { id: target.id } });
  });

  it('revokes (and detaches) the keys when asked', async () => {
    const a = await createTenant(t.app);
    const group = await makeGroup(a, { name: 'Retired' });
    const keys = [await makeKey(a, { groupId: group.id }), await makeKey(a, { groupId: group.id })];
    expect(await call(DELETE, { input: { id: group.id, revokeKeys: true } }, a.owner.token)).toMatchObject({ movedKeyCount: 0, revokedKeyCount: 2 });
    for (const key of keys) {
      expect(await call(GET_KEY, { id: key.id }, a.owner.token)).toMatchObject({ status: 'REVOKED', group: null, revokedReason: 'Group "Retired" was deleted' });
    }
    const actions = (await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: a.id }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions.slice(-3)).toEqual(['key.revoked', 'key.revoked', 'group.deleted']);
  });

  it("refuses another tenant's target group and contradictory options, changing nothing", async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const group = await makeGroup(a);
    await makeKey(a, { groupId: group.id });
    const theirs = await makeGroup(b);
    const before = await tenantState(a.id);
    expect(await call(DELETE, { input: { id: group.id, moveKeysTo: theirs.id } }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', resource: 'Group' });
    expectFieldError(await call(DELETE, { input: { id: group.id, moveKeysTo: group.id } }, a.owner.token), ['input', 'moveKeysTo']);
    expectFieldError(await call(DELETE, { input: { id: group.id, moveKeysTo: theirs.id, revokeKeys: true } }, a.owner.token), ['input', 'revokeKeys']);
    expect(await tenantState(a.id)).toBe(before);
  });
});

describe('reading groups', () => {
  it('lists the tenant\'s groups with a text filter and pages by cursor', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const mine = [await makeGroup(a, { name: 'Alpha' }), await makeGroup(a, { name: 'Beta', description: 'alpha-adjacent' }), await makeGroup(a, { name: 'Gamma' })];
    await makeGroup(b, { name: 'Alpha' });
    const all = await call(LIST, { first: 2 }, a.owner.token);
    expect(all.edges.map((e: Result) => e.node.id)).toEqual([mine[0]!.id, mine[1]!.id]);
    const rest = await call(LIST, { first: 2, after: all.pageInfo.endCursor }, a.owner.token);
    expect(rest.edges.map((e: Result) => e.node.id)).toEqual([mine[2]!.id]);
    const found = await call(LIST, { filter: { search: 'ALPHA' } }, a.owner.token);
    expect(found.edges.map((e: Result) => e.node.name)).toEqual(['Alpha', 'Beta']);
    const node = await t.graphql(`query($id: ID!) { node(id: $id) { ... on Group { name } } }`, { id: mine[0]!.id }, { token: a.owner.token });
    expect(node.data?.node).toEqual({ name: 'Alpha' });
  });

  it('keeps to its tenant and its scopes for every operation', async () => {
    const a = await createTenant(t.app);
    const group = await makeGroup(a, { ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });
    const firstPage = await call(LIST, { first: 1 }, a.owner.token);
    const snapshot = () => tenantState(a.id);
    const ops = [
      { document: GET, field: 'group', variables: { id: group.id }, scope: 'groups:read', crossTenant: 'notFoundError' as const },
      { document: `query($id: ID!) { node(id: $id) { id } }`, field: 'node', variables: { id: group.id }, crossTenant: 'null' as const },
      { document: LIST, field: 'groups', variables: { after: firstPage.edges[0].cursor }, scope: 'groups:read', crossTenant: 'notFoundError' as const },
      { document: CREATE, field: 'createGroup', variables: { input: { name: 'new' } }, scope: 'groups:write', crossTenant: 'none' as const, snapshot },
      { document: UPDATE, field: 'updateGroup', variables: { input: { id: group.id, name: 'x' } }, scope: 'groups:write', crossTenant: 'notFoundResult' as const, snapshot },
      { document: DELETE, field: 'deleteGroup', variables: { input: { id: group.id } }, scope: 'groups:write', crossTenant: 'notFoundResult' as const, snapshot },
    ];
    for (const op of ops) await expectAuthCases(t, a, op);
    // A VIEWER reads groups and their IP rules but cannot change them.
    const viewer = await a.addMember('VIEWER');
    expect((await call(GET, { id: group.id }, viewer.token)).ipRules).toHaveLength(1);
    expect((await t.graphql(UPDATE, { input: { id: group.id, name: 'x' } }, { token: viewer.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
