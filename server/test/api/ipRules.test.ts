import { describe, expect, it } from 'vitest';
import { useTestApp } from '../harness/useTestApp.ts';
import { RESULT_FIELDS, expectAuthCases, memberWithScopes } from '../harness/authCases.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { newId } from '../../src/domain/ids.ts';

const t = useTestApp();

const RULE = 'id action cidr description level createdAt group { id } apiKey { id }';
const ERRORS = `${RESULT_FIELDS} ... on NotFoundError { resource }`;
const CREATE = `mutation($input: CreateIpRuleInput!) { createIpRule(input: $input) { ${ERRORS} ... on IpRulePayload { ipRule { ${RULE} } } } }`;
const DELETE = `mutation($id: ID!) { deleteIpRule(id: $id) { ${ERRORS} ... on DeleteIpRulePayload { deletedIpRuleId } } }`;
const TENANT_RULES = `{ tenant { ipRules { ${RULE} } } }`;
const GROUP_RULES = `query($id: ID!) { group(id: $id) { ipRules { ${RULE} } } }`;
const KEY_RULES = `query($id: ID!) { apiKey(id: $id) { ipRules { ${RULE} } } }`;

type Result = Record<string, any>;

async function call(document: string, variables: Record<string, unknown>, token: string): Promise<Result> {
  const response = await t.graphql(document, variables, { token });
  expect(response.errors, response.body).toBeUndefined();
  return Object.values(response.data as Result)[0];
}

async function addRule(tenant: TestTenant, input: Record<string, unknown>, token = tenant.owner.token) {
  const result = await call(CREATE, { input }, token);
  expect(result.__typename, JSON.stringify(result)).toBe('IpRulePayload');
  return result.ipRule as Result;
}

/** A group and a key in it, made in the database: this file is about the rules. */
async function groupAndKey(tenant: TestTenant) {
  const db = t.app.db.prisma;
  const group = await db.group.create({ data: { id: newId('grp'), tenantId: tenant.id, name: `g-${newId('grp').slice(-6)}` } });
  const key = await db.apiKey.create({
    data: {
      id: newId('key'), tenantId: tenant.id, publicId: `pk_${newId('key').slice(-20)}`, name: 'k', ownerId: tenant.owner.id,
      groupId: group.id, scopes: [], secretHash: 'not-a-real-hash', keyPrefix: 'kw', keyTail: 'abcd',
    },
  });
  return { group, key };
}

async function tenantState(tenantId: string): Promise<string> {
  const db = t.app.db.prisma;
  const [rules, audit] = await Promise.all([
    db.ipRule.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    db.auditEvent.count({ where: { tenantId } }),
  ]);
  return JSON.stringify({ rules, audit });
}

describe('createIpRule', () => {
  it('adds rules at tenant, group and key level, normalized, listed on Tenant, Group and ApiKey', async () => {
    const a = await createTenant(t.app);
    const { group, key } = await groupAndKey(a);
    const tenantRule = await addRule(a, { action: 'DENY', cidr: ' 198.51.100.7 ', description: 'abuser' });
    const groupRule = await addRule(a, { groupId: group.id, action: 'ALLOW', cidr: '10.1.2.3/8' });
    const keyRule = await addRule(a, { apiKeyId: key.id, action: 'ALLOW', cidr: '2001:DB8:0:0::/32' });
    const mappedRule = await addRule(a, { apiKeyId: key.id, action: 'DENY', cidr: '::ffff:192.0.2.128/121' });

    expect(tenantRule).toMatchObject({ action: 'DENY', cidr: '198.51.100.7/32', level: 'TENANT', description: 'abuser', group: null, apiKey: null });
    expect(groupRule).toMatchObject({ action: 'ALLOW', cidr: '10.0.0.0/8', level: 'GROUP', group: { id: group.id }, apiKey: null });
    expect(keyRule).toMatchObject({ cidr: '2001:db8::/32', level: 'KEY', apiKey: { id: key.id } });
    expect(mappedRule).toMatchObject({ cidr: '::ffff:192.0.2.128/121', level: 'KEY' });

    expect((await call(TENANT_RULES, {}, a.owner.token)).ipRules.map((r: Result) => r.id)).toEqual([tenantRule.id]);
    expect((await call(GROUP_RULES, { id: group.id }, a.owner.token)).ipRules.map((r: Result) => r.id)).toEqual([groupRule.id]);
    expect((await call(KEY_RULES, { id: key.id }, a.owner.token)).ipRules.map((r: Result) => r.id)).toEqual([keyRule.id, mappedRule.id]);

    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: a.id, action: 'ipRule.created' }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => (e.changes as Result).level)).toEqual(['TENANT', 'GROUP', 'KEY', 'KEY']);
  });

  it.each([
    ['10.0.0.0/33'], ['1.2.3'], ['::gggg'], ['256.0.0.1'], ['10.0.0.0/'], ['10.0.0.0/08'], ['fe80::1%eth0'], ['0x7f.0.0.1'], [''], ['::/129'],
  ])('rejects %j with a message naming it, writing nothing', async (cidr) => {
    const a = await createTenant(t.app);
    const before = await tenantState(a.id);
    const result = await call(CREATE, { input: { action: 'ALLOW', cidr } }, a.owner.token);
    expect(result).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    expect(result.fieldErrors).toEqual([{ path: ['input', 'cidr'], message: expect.stringContaining(`"${cidr}"`) }]);
    expect(await tenantState(a.id)).toBe(before);
  });

  it('refuses naming both a group and a key', async () => {
    const a = await createTenant(t.app);
    const { group, key } = await groupAndKey(a);
    const before = await tenantState(a.id);
    const result = await call(CREATE, { input: { groupId: group.id, apiKeyId: key.id, action: 'ALLOW', cidr: '10.0.0.0/8' } }, a.owner.token);
    expect(result.__typename).toBe('ValidationError');
    expect(result.fieldErrors[0].path).toEqual(['input', 'apiKeyId']);
    expect(await tenantState(a.id)).toBe(before);
  });

  it('refuses a rule on a revoked key', async () => {
    const a = await createTenant(t.app);
    const { key } = await groupAndKey(a);
    await t.app.db.prisma.apiKey.update({ where: { id: key.id }, data: { status: 'REVOKED' } });
    const result = await call(CREATE, { input: { apiKeyId: key.id, action: 'ALLOW', cidr: '10.0.0.0/8' } }, a.owner.token);
    expect(result).toMatchObject({ __typename: 'ConflictError', field: 'apiKeyId' });
  });

  it('needs the scope of the level: tenant:admin, groups:write, keys:write', async () => {
    const a = await createTenant(t.app);
    const { group, key } = await groupAndKey(a);
    const admin = await a.addMember('ADMIN'); // everything but tenant:admin
    const groupsOnly = await memberWithScopes(t, a, ['groups:read', 'groups:write']);
    const keysOnly = await memberWithScopes(t, a, ['keys:read', 'keys:write']);
    const before = await tenantState(a.id);

    const denied = async (input: Record<string, unknown>, token: string, scope: string) => {
      const response = await t.graphql(CREATE, { input: { action: 'ALLOW', cidr: '10.0.0.0/8', ...input } }, { token });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: [scope] });
    };
    await denied({}, admin.token, 'tenant:admin');
    await denied({ groupId: group.id }, keysOnly.token, 'groups:write');
    await denied({ apiKeyId: key.id }, groupsOnly.token, 'keys:write');
    expect(await tenantState(a.id)).toBe(before);

    await addRule(a, { groupId: group.id, action: 'ALLOW', cidr: '10.0.0.0/8' }, groupsOnly.token);
    await addRule(a, { apiKeyId: key.id, action: 'ALLOW', cidr: '10.0.0.0/8' }, keysOnly.token);
    await addRule(a, { groupId: group.id, action: 'DENY', cidr: '10.0.0.1' }, admin.token);
  });

  it("another tenant's group or key is NOT_FOUND, and anonymous callers are UNAUTHENTICATED", async () => {
    const a = await createTenant(t.app);
    const { group, key } = await groupAndKey(a);
    const snapshot = () => tenantState(a.id);
    await expectAuthCases(t, a, { document: CREATE, field: 'createIpRule', variables: { input: { groupId: group.id, action: 'DENY', cidr: '10.0.0.0/8' } }, scope: 'groups:write', crossTenant: 'notFoundResult', snapshot });
    await expectAuthCases(t, a, { document: CREATE, field: 'createIpRule', variables: { input: { apiKeyId: key.id, action: 'DENY', cidr: '10.0.0.0/8' } }, scope: 'keys:write', crossTenant: 'notFoundResult', snapshot });
    await expectAuthCases(t, a, { document: CREATE, field: 'createIpRule', variables: { input: { action: 'DENY', cidr: '10.0.0.0/8' } }, scope: 'tenant:admin', crossTenant: 'none', snapshot });
  });
});

describe('deleteIpRule', () => {
  it('removes a rule of each level with that level\'s scope, and audits it', async () => {
    const a = await createTenant(t.app);
    const { group, key } = await groupAndKey(a);
    const rules = [
      await addRule(a, { action: 'DENY', cidr: '10.0.0.0/8' }),
      await addRule(a, { groupId: group.id, action: 'DENY', cidr: '10.0.0.0/8' }),
      await addRule(a, { apiKeyId: key.id, action: 'DENY', cidr: '10.0.0.0/8' }),
    ];
    const admin = await a.addMember('ADMIN');
    // ADMIN lacks tenant:admin: the tenant rule stays.
    const refused = await t.graphql(DELETE, { id: rules[0]!.id }, { token: admin.token });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['tenant:admin'] });
    expect(await call(DELETE, { id: rules[1]!.id }, admin.token)).toEqual({ __typename: 'DeleteIpRulePayload', deletedIpRuleId: rules[1]!.id });
    expect(await call(DELETE, { id: rules[2]!.id }, admin.token)).toEqual({ __typename: 'DeleteIpRulePayload', deletedIpRuleId: rules[2]!.id });
    expect(await call(DELETE, { id: rules[0]!.id }, a.owner.token)).toMatchObject({ deletedIpRuleId: rules[0]!.id });
    expect(await t.app.db.prisma.ipRule.count({ where: { tenantId: a.id } })).toBe(0);
    const deleted = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: a.id, action: 'ipRule.deleted' } });
    expect(deleted).toHaveLength(3);
  });

  it("another tenant's rule is NOT_FOUND; a missing scope is FORBIDDEN; nothing changes", async () => {
    const a = await createTenant(t.app);
    const { key } = await groupAndKey(a);
    const rule = await addRule(a, { apiKeyId: key.id, action: 'ALLOW', cidr: '10.0.0.0/8' });
    await expectAuthCases(t, a, { document: DELETE, field: 'deleteIpRule', variables: { id: rule.id }, scope: 'keys:write', crossTenant: 'notFoundResult', snapshot: () => tenantState(a.id) });
    expect(await call(DELETE, { id: newId('ipr') }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', resource: 'IpRule' });
  });
});

describe('reading rules', () => {
  it('needs the read scope of the level: tenant:read, groups:read, keys:read', async () => {
    const a = await createTenant(t.app);
    const { group, key } = await groupAndKey(a);
    await addRule(a, { action: 'DENY', cidr: '10.0.0.0/8' });
    await addRule(a, { groupId: group.id, action: 'DENY', cidr: '10.0.0.0/8' });
    await addRule(a, { apiKeyId: key.id, action: 'DENY', cidr: '10.0.0.0/8' });
    const viewer = await a.addMember('VIEWER'); // groups:read and keys:read, not tenant:read
    expect((await call(GROUP_RULES, { id: group.id }, viewer.token)).ipRules).toHaveLength(1);
    expect((await call(KEY_RULES, { id: key.id }, viewer.token)).ipRules).toHaveLength(1);
    const tenantRules = await t.graphql(TENANT_RULES, {}, { token: viewer.token });
    expect(tenantRules.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['tenant:read'] });
    const member = await a.addMember('MEMBER'); // every :read but audit
    expect((await call(TENANT_RULES, {}, member.token)).ipRules).toHaveLength(1);
  });
});
