// A write and its answer agree: for every mutation of the schema and every kind of caller, either
// the answer has no error and the change is in the database, or it has an error and the database
// (every row of every table, audit events included) is exactly as before. The payload selection is
// generated from the schema: every field a caller can ask for, a few levels deep.
import { randomBytes } from 'node:crypto';
import {
  getNamedType, isInterfaceType, isLeafType, isNonNullType, isObjectType, isUnionType,
  type GraphQLNamedType, type GraphQLObjectType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';
import { newId } from '../../src/domain/ids.ts';
import { generateOpaqueToken, sha256Hex } from '../../src/domain/secrets.ts';
import { BUILT_IN_ROLES } from '../../src/domain/scopes.ts';
import { TOKEN_PREFIX } from '../../src/domain/caller.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { databaseSnapshot } from '../harness/database.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey } from '../harness/keys.ts';

let tenant: TestTenant;
let otherTenant: TestTenant;
let operator: string;

// Usage counters are flushed only at shutdown, so nothing but the mutation writes between snapshots.
const t = useTestApp({ env: { KEYWARDEN_USAGE_FLUSH_MS: '3600000' } });
beforeAll(async () => {
  tenant = await createTenant(t.app, 'Truth');
  otherTenant = await createTenant(t.app, 'Other');
  operator = t.platform;
});

const unique = () => randomBytes(4).toString('hex');

// --- the payload selection, from the schema ------------------------------------------------------

function selectionOf(type: GraphQLNamedType, depth: number): string {
  if (isUnionType(type) || isInterfaceType(type)) {
    // Aliased per member, so fields of the same name and another type never conflict.
    const members = schema.getPossibleTypes(type).map((member) => `... on ${member.name} { ${fieldsOf(member, depth, `${member.name}_`)} }`);
    return ['__typename', ...members].join(' ');
  }
  return fieldsOf(type as GraphQLObjectType, depth, '');
}

function fieldsOf(type: GraphQLObjectType, depth: number, alias: string): string {
  const parts = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    const name = alias ? `${alias}${field.name}: ${field.name}` : field.name;
    if (isLeafType(named)) parts.push(name);
    else if (depth > 0 && (isObjectType(named) || isUnionType(named) || isInterfaceType(named))) parts.push(`${name} { ${selectionOf(named, depth - 1)} }`);
  }
  return parts.join(' ');
}

function mutationDocument(field: string): string {
  const definition = schema.getMutationType()!.getFields()[field]!;
  const params = definition.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const args = definition.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  // The bulk payloads nest a key payload and an error union per item: two levels less stay within maxAliases.
  const depth = field === 'createKeys' || field === 'rotateKeys' ? 1 : 3;
  return `mutation${params ? `(${params})` : ''} { ${field}${args ? `(${args})` : ''} { ${selectionOf(getNamedType(definition.type), depth)} } }`;
}

// --- the whole database, row by row ---------------------------------------------------------------

const snapshot = () => databaseSnapshot(t.app.db);

// --- records each mutation acts on, made fresh through the API as the owner -----------------------

async function asOwner<T = any>(document: string, variables: Record<string, unknown>): Promise<T> {
  const response = await t.graphql<T>(document, variables, { token: tenant.owner.token });
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data as T;
}

const fixtures = {
  key: async (status: 'ACTIVE' | 'DISABLED' = 'ACTIVE') =>
    (await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: [], status })).id,
  group: async () =>
    (await asOwner(`mutation($n: String!) { createGroup(input: { name: $n }) { ... on GroupPayload { group { id } } } }`, { n: `g-${unique()}` }))
      .createGroup.group.id as string,
  member: async (status: 'ACTIVE' | 'DEACTIVATED' = 'ACTIVE') => {
    const member = await tenant.addMember('VIEWER');
    if (status === 'DEACTIVATED') await t.app.db.prisma.member.update({ where: { id: member.id }, data: { status } });
    return member;
  },
  role: async () =>
    (await asOwner(`mutation($n: String!) { createRole(input: { name: $n, scopes: ["keys:read"] }) { ... on RolePayload { role { id } } } }`, { n: `r-${unique()}` }))
      .createRole.role.id as string,
  scope: async () =>
    (await asOwner(`mutation($n: String!) { createScope(input: { name: $n }) { ... on ScopePayload { scope { id } } } }`, { n: `res${unique()}:read` }))
      .createScope.scope.id as string,
  keyRule: async () => {
    const apiKeyId = await fixtures.key();
    const data = await asOwner(
      `mutation($k: ID!) { createIpRule(input: { apiKeyId: $k, action: DENY, cidr: "192.0.2.1/32" }) { ... on IpRulePayload { ipRule { id } } } }`,
      { k: apiKeyId },
    );
    return data.createIpRule.ipRule.id as string;
  },
  accessToken: async () => {
    const apiKeyId = await fixtures.key();
    const id = newId('tok');
    await t.app.db.prisma.accessToken.create({
      data: { id, tenantId: tenant.id, apiKeyId, tokenHash: sha256Hex(generateOpaqueToken(TOKEN_PREFIX.accessToken)), scopes: [], expiresAt: new Date(Date.now() + 3600_000) },
    });
    return id;
  },
  session: async () => {
    const member = await fixtures.member();
    return (await t.app.db.prisma.session.findFirstOrThrow({ where: { memberId: member.id } })).id;
  },
  tenant: async (status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE') => {
    const made = await createTenant(t.app, 'Platform target');
    if (status === 'SUSPENDED') await t.app.db.prisma.tenant.update({ where: { id: made.id }, data: { status } });
    return made.id;
  },
  // Straight in the database: the cases make more endpoints than a tenant may have through the API.
  webhook: async (status: 'ACTIVE' | 'PAUSED' = 'ACTIVE') => {
    const id = newId('whk');
    await t.app.db.prisma.webhookEndpoint.create({
      data: { id, tenantId: tenant.id, url: 'https://hooks.example.com/in', eventTypes: ['key.revoked'], status, secretCiphertext: 'v1.unused.unused.unused' },
    });
    return id;
  },
  delivery: async () => {
    const endpointId = await fixtures.webhook();
    const id = newId('msg');
    await t.app.db.prisma.webhookDelivery.create({ data: { id, tenantId: tenant.id, endpointId, eventType: 'key.revoked', payload: '{}', status: 'FAILED', nextAttemptAt: new Date() } });
    return id;
  },
  memberWithPassword: async (password: string) => {
    const email = `login-${unique()}@example.test`;
    await asOwner(
      `mutation($e: String!, $r: ID!, $p: String!) { createMember(input: { email: $e, name: "L", roleId: $r, password: $p }) { __typename } }`,
      { e: email, r: tenant.roles.VIEWER, p: password },
    );
    return email;
  },
};

/** What each mutation is called with (fresh records each time), and the scope a key caller holds. */
const CASES: Record<string, { scope: string; variables: () => Promise<Record<string, unknown>> }> = {
  bulkUpdateKeys: { scope: 'keys:write', variables: async () => ({ input: { ids: [await fixtures.key()], action: 'DISABLE' } }) },
  createGroup: { scope: 'groups:write', variables: async () => ({ input: { name: `g-${unique()}` } }) },
  createIpRule: { scope: 'keys:write', variables: async () => ({ input: { apiKeyId: await fixtures.key(), action: 'DENY', cidr: '198.51.100.7/32' } }) },
  createKey: { scope: 'keys:write', variables: async () => ({ input: { name: `k-${unique()}`, ownerId: tenant.owner.id } }) },
  createKeys: { scope: 'keys:write', variables: async () => ({ input: { items: [{ name: `k-${unique()}`, ownerId: tenant.owner.id }] } }) },
  createMember: { scope: 'members:write', variables: async () => ({ input: { email: `m-${unique()}@example.test`, name: 'M', roleId: tenant.roles.VIEWER } }) },
  createRole: { scope: 'roles:write', variables: async () => ({ input: { name: `r-${unique()}`, scopes: ['keys:read'] } }) },
  createScope: { scope: 'scopes:write', variables: async () => ({ input: { name: `res${unique()}:read` } }) },
  createTenant: { scope: 'tenant:admin', variables: async () => ({ input: { name: 'New', slug: `n-${unique()}` } }) },
  deactivateMember: { scope: 'members:write', variables: async () => ({ id: (await fixtures.member()).id }) },
  deleteGroup: { scope: 'groups:write', variables: async () => ({ input: { id: await fixtures.group() } }) },
  deleteIpRule: { scope: 'keys:write', variables: async () => ({ id: await fixtures.keyRule() }) },
  deleteKey: { scope: 'keys:write', variables: async () => ({ id: await fixtures.key() }) },
  deleteMember: { scope: 'members:write', variables: async () => ({ id: (await fixtures.member()).id }) },
  deleteRole: { scope: 'roles:write', variables: async () => ({ input: { id: await fixtures.role() } }) },
  deleteScope: { scope: 'scopes:write', variables: async () => ({ input: { id: await fixtures.scope() } }) },
  disableKey: { scope: 'keys:write', variables: async () => ({ id: await fixtures.key() }) },
  enableKey: { scope: 'keys:write', variables: async () => ({ id: await fixtures.key('DISABLED') }) },
  login: {
    scope: 'keys:read',
    variables: async () => ({ input: { tenant: tenant.slug, email: await fixtures.memberWithPassword('correct horse battery'), password: 'correct horse battery' } }),
  },
  logout: { scope: 'keys:read', variables: async () => ({}) },
  reactivateMember: { scope: 'members:write', variables: async () => ({ id: (await fixtures.member('DEACTIVATED')).id }) },
  resumeTenant: { scope: 'tenant:admin', variables: async () => ({ id: await fixtures.tenant('SUSPENDED') }) },
  revokeAccessToken: { scope: 'tokens:write', variables: async () => ({ id: await fixtures.accessToken() }) },
  // A cheap hash for the reported key: one argon2 verification per caller is what is under test.
  reportLeakedKey: { scope: 'keys:read', variables: async () => ({ input: { key: (await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } })).text } }) },
  revokeKey: { scope: 'keys:write', variables: async () => ({ input: { id: await fixtures.key(), reason: 'test' } }) },
  revokeSession: { scope: 'members:write', variables: async () => ({ id: await fixtures.session() }) },
  rotateKey: { scope: 'keys:write', variables: async () => ({ input: { id: await fixtures.key() } }) },
  setIdentityLimits: { scope: 'keys:write', variables: async () => ({ input: { externalId: `ext-${unique()}`, rateLimit: { limit: 10, windowMs: 60_000 } } }) },
  createWebhookEndpoint: { scope: 'webhooks:write', variables: async () => ({ input: { url: `https://hooks.example.com/${unique()}`, eventTypes: ['key.created'] } }) },
  updateWebhookEndpoint: { scope: 'webhooks:write', variables: async () => ({ input: { id: await fixtures.webhook(), description: 'changed' } }) },
  rotateWebhookSecret: { scope: 'webhooks:write', variables: async () => ({ input: { id: await fixtures.webhook() } }) },
  pauseWebhookEndpoint: { scope: 'webhooks:write', variables: async () => ({ id: await fixtures.webhook() }) },
  resumeWebhookEndpoint: { scope: 'webhooks:write', variables: async () => ({ id: await fixtures.webhook('PAUSED') }) },
  deleteWebhookEndpoint: { scope: 'webhooks:write', variables: async () => ({ id: await fixtures.webhook() }) },
  redeliverWebhook: { scope: 'webhooks:write', variables: async () => ({ id: await fixtures.delivery() }) },
  setWebhookExpiryLeadTimes: { scope: 'webhooks:write', variables: async () => ({ input: { leadTimesSeconds: [86_400 + Math.floor(Math.random() * 1000)] } }) },
  setRouteMap: { scope: 'tenant:admin', variables: async () => ({ input: { defaultAction: 'ALLOW', routes: [{ pattern: `/r${unique()}/**`, scopes: [] }] } }) },
  rotateKeys: { scope: 'keys:write', variables: async () => ({ input: { items: [{ id: await fixtures.key() }] } }) },
  setMemberPassword: { scope: 'members:write', variables: async () => ({ input: { memberId: (await fixtures.member()).id, password: 'a new long password' } }) },
  suspendTenant: { scope: 'tenant:admin', variables: async () => ({ id: await fixtures.tenant() }) },
  updateGroup: { scope: 'groups:write', variables: async () => ({ input: { id: await fixtures.group(), name: `g-${unique()}` } }) },
  updateKey: { scope: 'keys:write', variables: async () => ({ input: { id: await fixtures.key(), name: `k-${unique()}` } }) },
  updateMember: { scope: 'members:write', variables: async () => ({ input: { id: (await fixtures.member()).id, name: 'Renamed' } }) },
  updateRole: { scope: 'roles:write', variables: async () => ({ input: { id: await fixtures.role(), name: `r-${unique()}` } }) },
  updateScope: { scope: 'scopes:write', variables: async () => ({ input: { id: await fixtures.scope(), description: 'changed' } }) },
  updateTenant: { scope: 'tenant:admin', variables: async () => ({ input: { id: tenant.id, name: `Truth ${unique()}` } }) },
};

// --- the callers ---------------------------------------------------------------------------------

type Caller = { name: string; headers: Record<string, string> };

/** Fresh credentials for one mutation (logout ends the session it is called with). */
async function callersFor(scope: string): Promise<Caller[]> {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const callers: Caller[] = [{ name: 'anonymous', headers: {} }, { name: 'platform operator', headers: bearer(operator) }];
  for (const role of BUILT_IN_ROLES) callers.push({ name: role, headers: bearer((await tenant.addMember(role)).token) });
  const customRole = await t.app.db.prisma.role.create({
    data: { id: newId('rol'), tenantId: tenant.id, name: `custom-${unique()}`, scopes: ['keys:read', 'keys:write', 'groups:read', 'members:read'] },
  });
  callers.push({ name: 'custom role', headers: bearer((await tenant.addMember({ roleId: customRole.id })).token) });
  const key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: [scope] });
  callers.push({ name: `key holding only ${scope}`, headers: { 'x-api-key': key.text } });
  const token = generateOpaqueToken(TOKEN_PREFIX.accessToken);
  await t.app.db.prisma.accessToken.create({
    data: { id: newId('tok'), tenantId: tenant.id, apiKeyId: key.id, tokenHash: sha256Hex(token), scopes: [scope], expiresAt: new Date(Date.now() + 3600_000) },
  });
  callers.push({ name: `access token for ${scope}`, headers: bearer(token) });
  const foreign = await createTestKey(t.app, otherTenant.id, { ownerId: otherTenant.owner.id, scopes: [scope] });
  callers.push({ name: "another tenant's key", headers: { 'x-api-key': foreign.text } });
  return callers;
}

function answeredError(response: { errors?: unknown[]; data: any }, field: string): boolean {
  if (response.errors?.length) return true;
  const result = response.data?.[field];
  return typeof result?.__typename === 'string' && result.__typename.endsWith('Error');
}

describe('every mutation, every caller: a write and its answer agree', () => {
  it('has a case for every mutation of the schema', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
  });

  for (const [field, spec] of Object.entries(CASES)) {
    it(field, async () => {
      const document = mutationDocument(field);
      const outcomes: string[] = [];
      for (const caller of await callersFor(spec.scope)) {
        const variables = await spec.variables();
        const before = await snapshot();
        const response = await t.graphql(document, variables, { headers: caller.headers });
        const after = await snapshot();
        const label = `${field} as ${caller.name}: ${JSON.stringify(response.errors ?? response.data?.[field]?.__typename)}`;
        if (answeredError(response, field)) {
          expect(after, `${label} answered an error, yet changed the database`).toEqual(before);
          if (response.errors?.length) expect(response.data ?? null, `${label}: no data beside errors`).toBeNull();
          outcomes.push(`${caller.name}: error`);
        } else {
          expect(after, `${label} answered success, yet changed nothing`).not.toEqual(before);
          outcomes.push(`${caller.name}: ok`);
        }
      }
      // The owner can do every tenant mutation; the operator every platform one.
      expect(outcomes.some((o) => o.endsWith(': ok')), outcomes.join(', ')).toBe(true);
    });
  }
});

describe('the writes that used to answer an error after committing', () => {
  let automation: { id: string };
  let writer: { id: string };
  beforeAll(async () => {
    const role = async (scopes: string[]) =>
      (await t.app.db.prisma.role.create({ data: { id: newId('rol'), tenantId: tenant.id, name: `automation-${unique()}`, scopes } })).id;
    // The callers' keys act for `automation`; the keys they create act for `writer`, whose role
    // holds nothing they lack.
    automation = await tenant.addMember({ roleId: await role(['keys:read', 'keys:write']) });
    writer = await tenant.addMember({ roleId: await role(['keys:write']) });
  });

  async function keyWith(scopes: string[]) {
    return (await createTestKey(t.app, tenant.id, { ownerId: automation.id, scopes })).text;
  }

  it('createKey by a key holding keys:write but not keys:read: FORBIDDEN, and no key exists', async () => {
    const caller = await keyWith(['keys:write']);
    const name = `orphan-${unique()}`;
    const eventsBefore = await t.app.db.prisma.auditEvent.count();
    const response = await t.graphql(
      `mutation($n: String!, $o: ID!) { createKey(input: { name: $n, ownerId: $o }) { __typename ... on Error { message } ... on CreateKeyPayload { secret apiKey { id name } } } }`,
      { n: name, o: writer.id },
      { headers: { 'x-api-key': caller } },
    );
    expect(response.errors?.[0]?.extensions?.code, response.body).toBe('FORBIDDEN');
    expect(response.data ?? null).toBeNull();
    expect(JSON.parse(response.body).extensions).toMatchObject({ committed: false });
    expect(await t.app.db.prisma.apiKey.count({ where: { name } })).toBe(0);
    expect(await t.app.db.prisma.auditEvent.count()).toBe(eventsBefore);
  });

  for (const [mutation, document] of [
    ['disableKey', `mutation($id: ID!) { disableKey(id: $id) { ... on ApiKeyPayload { apiKey { status } } } }`],
    ['revokeKey', `mutation($id: ID!) { revokeKey(input: { id: $id, reason: "x" }) { ... on ApiKeyPayload { apiKey { status } } } }`],
    ['rotateKey', `mutation($id: ID!) { rotateKey(input: { id: $id }) { ... on RotateKeyPayload { secret apiKey { status } } } }`],
  ] as const) {
    it(`${mutation} by a keys:write-only key answers FORBIDDEN and leaves the key as it was`, async () => {
      const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
      const before = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: target.id } });
      const response = await t.graphql(document, { id: target.id }, { headers: { 'x-api-key': await keyWith(['keys:write']) } });
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: target.id } })).toEqual(before);
    });
  }

  it('createIpRule whose payload the caller may not read stores no rule', async () => {
    const apiKeyId = await fixtures.key();
    const response = await t.graphql(
      `mutation($k: ID!) { createIpRule(input: { apiKeyId: $k, action: DENY, cidr: "203.0.113.9/32" }) { ... on IpRulePayload { ipRule { id cidr } } } }`,
      { k: apiKeyId },
      { headers: { 'x-api-key': await keyWith(['keys:write']) } },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.app.db.prisma.ipRule.count({ where: { apiKeyId } })).toBe(0);
  });

  it('the same mutations succeed, and are kept, for a caller who may read what they changed', async () => {
    const caller = await keyWith(['keys:write', 'keys:read']);
    const name = `kept-${unique()}`;
    const response = await t.graphql(
      `mutation($n: String!, $o: ID!) { createKey(input: { name: $n, ownerId: $o }) { __typename ... on Error { message } ... on CreateKeyPayload { secret apiKey { id name } } } }`,
      { n: name, o: writer.id },
      { headers: { 'x-api-key': caller } },
    );
    expect(response.errors, response.body).toBeUndefined();
    expect(response.data.createKey.apiKey.name, response.body).toBe(name);
    expect(await t.app.db.prisma.apiKey.count({ where: { name } })).toBe(1);
  });

  it('a typed error of a later field undoes only that field; the earlier field is kept', async () => {
    const name = `first-${unique()}`;
    const response = await t.graphql(
      `mutation($n: String!) {
        a: createGroup(input: { name: $n }) { __typename ... on GroupPayload { group { id } } }
        b: createGroup(input: { name: $n }) { __typename ... on Error { code } }
      }`,
      { n: name },
      { token: tenant.owner.token },
    );
    expect(response.errors, response.body).toBeUndefined();
    expect(response.data.a.__typename).toBe('GroupPayload');
    expect(response.data.b).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(await t.app.db.prisma.group.count({ where: { name } })).toBe(1);
  });
});
