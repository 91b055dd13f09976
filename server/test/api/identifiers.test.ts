// Identifiers are checked for what they name before anything uses them: `""` or another type's
// id is a ValidationError, and a filter naming another tenant's group or owner is NOT_FOUND.
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey } from '../harness/keys.ts';

const t = useTestApp();
let tenant: TestTenant;
let other: TestTenant;
let admin: string;
let keyId: string;
let foreignGroupId: string;

beforeAll(async () => {
  tenant = await createTenant(t.app, 'Ids');
  other = await createTenant(t.app, 'Other');
  admin = (await tenant.addMember('ADMIN')).token;
  keyId = (await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id })).id;
  foreignGroupId = (await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: other.id, name: 'theirs' } })).id;
});

const CREATE_RULE = `mutation($input: CreateIpRuleInput!) {
  createIpRule(input: $input) { __typename ... on Error { code } ... on ValidationError { fieldErrors { path message } } ... on IpRulePayload { ipRule { level } } }
}`;

describe('an empty or mistyped id', () => {
  for (const field of ['apiKeyId', 'groupId'] as const) {
    it(`createIpRule with ${field}: "" is a ValidationError, and no rule of any level is stored (ADMIN and OWNER)`, async () => {
      for (const token of [admin, tenant.owner.token]) {
        const before = await t.app.db.prisma.ipRule.count({ where: { tenantId: tenant.id } });
        const response = await t.graphql(CREATE_RULE, { input: { action: 'DENY', cidr: '0.0.0.0/0', [field]: '' } }, { token });
        const result = response.data?.createIpRule;
        expect(result?.__typename ?? response.errors?.[0]?.extensions?.code, response.body).toBe('ValidationError');
        expect(result.fieldErrors).toEqual([{ path: ['input', field], message: 'must not be empty' }]);
        expect(await t.app.db.prisma.ipRule.count({ where: { tenantId: tenant.id } })).toBe(before);
      }
    });
  }

  it("another type's id is a ValidationError naming the type expected", async () => {
    const response = await t.graphql(CREATE_RULE, { input: { action: 'DENY', cidr: '192.0.2.0/24', apiKeyId: tenant.owner.id } }, { token: tenant.owner.token });
    expect(response.data.createIpRule.fieldErrors).toEqual([{ path: ['input', 'apiKeyId'], message: 'must be the id of an ApiKey (key_…)' }]);
  });

  it('apiKeys(filter: { groupId: "" }) is VALIDATION_FAILED, not every key', async () => {
    const response = await t.graphql(`{ apiKeys(filter: { groupId: "" }) { edges { node { id } } } }`, {}, { token: tenant.owner.token });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fieldErrors: [{ path: ['filter', 'groupId'], message: 'must not be empty' }] });
    expect(response.data?.apiKeys ?? null).toBeNull();
  });

  it('lookups by id refuse a mistyped id before reading', async () => {
    for (const [query, id] of [['apiKey', tenant.owner.id], ['group', keyId], ['member', keyId], ['role', '']] as const) {
      const response = await t.graphql(`query($id: ID!) { ${query}(id: $id) { id } }`, { id }, { token: tenant.owner.token });
      expect(response.errors?.[0]?.extensions?.code, `${query}(${id}): ${response.body}`).toBe('VALIDATION_FAILED');
    }
  });
});

describe("a filter naming another tenant's group or owner", () => {
  it('apiKeys answers NOT_FOUND', async () => {
    for (const filter of [{ groupId: foreignGroupId }, { ownerId: other.owner.id }]) {
      const response = await t.graphql(`query($f: ApiKeyFilter) { apiKeys(filter: $f) { edges { node { id } } } }`, { f: filter }, { token: tenant.owner.token });
      expect(response.errors?.[0]?.extensions?.code, response.body).toBe('NOT_FOUND');
    }
  });

  it('bulkUpdateKeys answers NOT_FOUND, changes nothing and records no audit event naming the foreign id', async () => {
    const eventsBefore = await t.app.db.prisma.auditEvent.count();
    const response = await t.graphql(
      `mutation($f: ApiKeyFilter) { bulkUpdateKeys(input: { filter: $f, action: DISABLE }) { __typename ... on Error { code } } }`,
      { f: { groupId: foreignGroupId } },
      { token: tenant.owner.token },
    );
    expect(response.data.bulkUpdateKeys).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect(await t.app.db.prisma.auditEvent.count()).toBe(eventsBefore);
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id } });
    expect(JSON.stringify(events)).not.toContain(foreignGroupId);
    expect((await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: keyId } })).status).toBe('ACTIVE');
  });
});
