import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import { MANAGEMENT_SCOPES } from '../../src/domain/scopes.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { RESULT_FIELDS, expectAuthCases } from '../harness/authCases.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';

const SCOPE_FIELDS = 'id name description';
const CREATE = `mutation($input: CreateScopeInput!) { createScope(input: $input) { ${RESULT_FIELDS} ... on ScopePayload { scope { ${SCOPE_FIELDS} } } } }`;
const UPDATE = `mutation($input: UpdateScopeInput!) { updateScope(input: $input) { ${RESULT_FIELDS} ... on ScopePayload { scope { ${SCOPE_FIELDS} } } } }`;
const DELETE = `mutation($input: DeleteScopeInput!) { deleteScope(input: $input) { ${RESULT_FIELDS} ... on DeleteScopePayload { deletedScopeId } } }`;
const LIST = `query($tenantId: ID, $filter: ScopeFilter, $first: Int, $after: String) {
  scopes(tenantId: $tenantId, filter: $filter, first: $first, after: $after) { edges { node { ${SCOPE_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const MANAGEMENT = '{ managementScopes { name description } }';
const NODE = 'query($id: ID!) { node(id: $id) { __typename id } }';

const t = useTestApp();

const scopeRow = (id: string) => t.app.db.prisma.scope.findUnique({ where: { id } });
const scopeCount = (tenantId: string) => t.app.db.prisma.scope.count({ where: { tenantId } });

async function catalogueScope(tenant: TestTenant, name: string, description = ''): Promise<string> {
  const id = newId('scp');
  await t.app.db.prisma.scope.create({ data: { id, tenantId: tenant.id, name, description } });
  return id;
}

/** A key, a custom role and a group of `tenant` that each name `scope` next to keys:read. */
async function grantsNaming(tenant: TestTenant, scope: string) {
  const db = t.app.db.prisma;
  const scopes = ['keys:read', scope];
  const keyId = newId('key');
  const roleId = newId('rol');
  const groupId = newId('grp');
  await db.apiKey.create({ data: { id: keyId, tenantId: tenant.id, publicId: keyId.slice(4), name: 'k', ownerId: tenant.owner.id, secretHash: 'x', keyPrefix: 'kw', keyTail: 'abcd', scopes } });
  await db.role.create({ data: { id: roleId, tenantId: tenant.id, name: `uses-${roleId.slice(-6)}`, scopes } });
  await db.group.create({ data: { id: groupId, tenantId: tenant.id, name: `g-${groupId.slice(-6)}`, defaultScopes: scopes, limitsScopes: true, scopeLimit: scopes } });
  const read = async () => ({
    key: (await db.apiKey.findUnique({ where: { id: keyId } }))!.scopes,
    role: (await db.role.findUnique({ where: { id: roleId } }))!.scopes,
    group: await db.group.findUnique({ where: { id: groupId }, select: { defaultScopes: true, scopeLimit: true } }),
  });
  return { read };
}

describe('managementScopes', () => {
  it('lists the management scopes to any authenticated caller', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(MANAGEMENT, {}, { token: tenant.owner.token });
    expect(response.data.managementScopes).toEqual(MANAGEMENT_SCOPES.map(({ name, description }) => ({ name, description })));
    expect((await t.graphql(MANAGEMENT, {}, { token: t.platform })).data.managementScopes).toHaveLength(MANAGEMENT_SCOPES.length);
    expect((await t.graphql(MANAGEMENT)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('scopes and node', () => {
  it('pages through the catalogue in id order and searches it', async () => {
    const tenant = await createTenant(t.app);
    const ids = [
      await catalogueScope(tenant, 'tickets:read', 'Read tickets'),
      await catalogueScope(tenant, 'tickets:write', 'Write tickets'),
      await catalogueScope(tenant, 'jobs:write', 'Write automated jobs'),
    ];
    const first = await t.graphql(LIST, { first: 2 }, { token: tenant.owner.token });
    expect(first.data.scopes.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids.slice(0, 2));
    const rest = await t.graphql(LIST, { first: 2, after: first.data.scopes.pageInfo.endCursor }, { token: tenant.owner.token });
    expect(rest.data.scopes.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids.slice(2));
    const searched = await t.graphql(LIST, { filter: { search: 'AUTOMATED' } }, { token: tenant.owner.token });
    expect(searched.data.scopes.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['jobs:write']);
    const byPlatform = await t.graphql(LIST, { tenantId: tenant.id }, { token: t.platform });
    expect(byPlatform.data.scopes.edges).toHaveLength(3);
  });

  it('is refused without credentials, without scopes:read, and for another tenant (cursor, tenantId, node)', async () => {
    const tenant = await createTenant(t.app);
    const id = await catalogueScope(tenant, 'tickets:read');
    await catalogueScope(tenant, 'tickets:write');
    const page = await t.graphql(LIST, { first: 1 }, { token: tenant.owner.token });
    await expectAuthCases(t, tenant, { document: LIST, field: 'scopes', scope: 'scopes:read', crossTenant: 'notFoundError', variables: { after: page.data.scopes.pageInfo.endCursor } });
    await expectAuthCases(t, tenant, { document: LIST, field: 'scopes', crossTenant: 'notFoundError', variables: { tenantId: tenant.id } });
    await expectAuthCases(t, tenant, { document: NODE, field: 'node', crossTenant: 'null', variables: { id } });
    expect((await t.graphql(NODE, { id }, { token: tenant.owner.token })).data.node).toEqual({ __typename: 'Scope', id });
  });
});

describe('createScope', () => {
  it('adds a resource scope to the catalogue, which roles may then name', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(CREATE, { input: { name: 'tickets:read', description: ' Read tickets ' } }, { token: tenant.owner.token });
    expect(response.data.createScope.scope).toMatchObject({ name: 'tickets:read', description: 'Read tickets' });
    const role = await t.graphql(`mutation { createRole(input: { name: "Support", scopes: ["tickets:read"] }) { __typename } }`, {}, { token: tenant.owner.token });
    expect(role.data.createRole.__typename).toBe('RolePayload');
    expect((await t.app.db.prisma.auditEvent.findFirst({ where: { tenantId: tenant.id, action: 'scope.created' } }))!.changes).toMatchObject({ name: 'tickets:read' });
  });

  it('lets the platform operator add to a tenant it names', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(CREATE, { input: { tenantId: tenant.id, name: 'tickets:read' } }, { token: t.platform });
    expect(response.data.createScope.__typename).toBe('ScopePayload');
    expect(await scopeCount(tenant.id)).toBe(1);
  });

  it.each([
    ['an empty name', { name: '' }, ['input', 'name']],
    ['a name without an action', { name: 'tickets' }, ['input', 'name']],
    ['an uppercase name', { name: 'Tickets:read' }, ['input', 'name']],
    ['a too long name', { name: `${'r'.repeat(60)}:${'a'.repeat(60)}` }, ['input', 'name']],
    ['a management scope name', { name: 'keys:write' }, ['input', 'name']],
    ['a too long description', { name: 'tickets:read', description: 'd'.repeat(501) }, ['input', 'description']],
  ])('refuses %s, writing nothing', async (_label, input, path) => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(CREATE, { input }, { token: tenant.owner.token });
    expect(response.data.createScope.__typename).toBe('ValidationError');
    expect(response.data.createScope.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([path]);
    expect(await scopeCount(tenant.id)).toBe(0);
  });

  it('refuses a name already in the catalogue, but not one in another tenant\'s', async () => {
    const tenant = await createTenant(t.app);
    const other = await createTenant(t.app);
    await catalogueScope(tenant, 'tickets:read');
    await catalogueScope(other, 'tickets:write');
    const duplicate = await t.graphql(CREATE, { input: { name: 'tickets:read' } }, { token: tenant.owner.token });
    expect(duplicate.data.createScope).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'name' });
    expect(await scopeCount(tenant.id)).toBe(1);
    const elsewhere = await t.graphql(CREATE, { input: { name: 'tickets:write' } }, { token: tenant.owner.token });
    expect(elsewhere.data.createScope.__typename).toBe('ScopePayload');
  });

  it('is refused without credentials, without scopes:write, and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    await expectAuthCases(t, tenant, {
      document: CREATE, field: 'createScope', scope: 'scopes:write', crossTenant: 'notFoundResult',
      variables: { input: { tenantId: tenant.id, name: 'tickets:read' } },
      snapshot: () => t.app.db.prisma.scope.count({ where: { name: 'tickets:read' } }),
    });
  });
});

describe('updateScope', () => {
  it('changes the description', async () => {
    const tenant = await createTenant(t.app);
    const id = await catalogueScope(tenant, 'tickets:read', 'old');
    const response = await t.graphql(UPDATE, { input: { id, description: 'Read support tickets' } }, { token: tenant.owner.token });
    expect(response.data.updateScope.scope).toEqual({ id, name: 'tickets:read', description: 'Read support tickets' });
    expect((await t.app.db.prisma.auditEvent.findFirst({ where: { tenantId: tenant.id, action: 'scope.updated' } }))!.changes)
      .toEqual({ description: { before: 'old', after: 'Read support tickets' } });
  });

  it('refuses a too long description, writing nothing', async () => {
    const tenant = await createTenant(t.app);
    const id = await catalogueScope(tenant, 'tickets:read', 'old');
    const response = await t.graphql(UPDATE, { input: { id, description: 'd'.repeat(501) } }, { token: tenant.owner.token });
    expect(response.data.updateScope.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([['input', 'description']]);
    expect((await scopeRow(id))!.description).toBe('old');
  });

  it('is refused without credentials, without scopes:write, and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    const id = await catalogueScope(tenant, 'tickets:read', 'old');
    await expectAuthCases(t, tenant, {
      document: UPDATE, field: 'updateScope', scope: 'scopes:write', crossTenant: 'notFoundResult',
      variables: { input: { id, description: 'changed' } },
      snapshot: () => scopeRow(id),
    });
  });
});

describe('deleteScope', () => {
  it('deletes an unused scope', async () => {
    const tenant = await createTenant(t.app);
    const id = await catalogueScope(tenant, 'tickets:read');
    const response = await t.graphql(DELETE, { input: { id } }, { token: tenant.owner.token });
    expect(response.data.deleteScope).toEqual({ __typename: 'DeleteScopePayload', deletedScopeId: id });
    expect(await scopeRow(id)).toBeNull();
  });

  it('refuses a scope in use, naming how many keys, roles and groups use it', async () => {
    const tenant = await createTenant(t.app);
    const id = await catalogueScope(tenant, 'tickets:read');
    const grants = await grantsNaming(tenant, 'tickets:read');
    await grantsNaming(tenant, 'tickets:read');
    const before = await grants.read();
    const response = await t.graphql(DELETE, { input: { id } }, { token: tenant.owner.token });
    expect(response.data.deleteScope).toMatchObject({ __typename: 'ConflictError', field: 'cascade' });
    expect(response.data.deleteScope.message).toContain('used by 2 API keys, 2 roles and 2 groups');
    expect(await scopeRow(id)).not.toBeNull();
    expect(await grants.read()).toEqual(before);
  });

  it("with cascade, removes it from every key, role and group of the tenant, and only this tenant's", async () => {
    const tenant = await createTenant(t.app);
    const other = await createTenant(t.app);
    const id = await catalogueScope(tenant, 'tickets:read');
    await catalogueScope(other, 'tickets:read');
    const grants = await grantsNaming(tenant, 'tickets:read');
    const othersGrants = await grantsNaming(other, 'tickets:read');
    const othersBefore = await othersGrants.read();

    const response = await t.graphql(DELETE, { input: { id, cascade: true } }, { token: tenant.owner.token });
    expect(response.data.deleteScope.__typename).toBe('DeleteScopePayload');
    expect(await grants.read()).toEqual({ key: ['keys:read'], role: ['keys:read'], group: { defaultScopes: ['keys:read'], scopeLimit: ['keys:read'] } });
    expect(await othersGrants.read()).toEqual(othersBefore);
    const event = await t.app.db.prisma.auditEvent.findFirst({ where: { tenantId: tenant.id, action: 'scope.deleted' } });
    expect(event!.changes).toEqual({ name: 'tickets:read', removedFrom: { keys: 1, roles: 1, groups: 1 } });
  });

  it('is refused without credentials, without scopes:write, and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    const id = await catalogueScope(tenant, 'tickets:read');
    await expectAuthCases(t, tenant, {
      document: DELETE, field: 'deleteScope', scope: 'scopes:write', crossTenant: 'notFoundResult',
      variables: { input: { id, cascade: true } },
      snapshot: () => scopeRow(id),
    });
  });
});
