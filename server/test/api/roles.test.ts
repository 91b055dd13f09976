import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import { roleScopes } from '../../src/domain/scopes.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { RESULT_FIELDS, expectAuthCases, memberWithScopes } from '../harness/authCases.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';

const ROLE_FIELDS = 'id name description builtIn scopes memberCount';
const CREATE = `mutation($input: CreateRoleInput!) { createRole(input: $input) { ${RESULT_FIELDS} ... on RolePayload { role { ${ROLE_FIELDS} } } } }`;
const UPDATE = `mutation($input: UpdateRoleInput!) { updateRole(input: $input) { ${RESULT_FIELDS} ... on RolePayload { role { ${ROLE_FIELDS} } } } }`;
const DELETE = `mutation($input: DeleteRoleInput!) { deleteRole(input: $input) { ${RESULT_FIELDS} ... on DeleteRolePayload { deletedRoleId } } }`;
const LIST = `query($tenantId: ID, $filter: RoleFilter, $first: Int, $after: String) {
  roles(tenantId: $tenantId, filter: $filter, first: $first, after: $after) { edges { node { ${ROLE_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const GET = `query($id: ID!) { role(id: $id) { id name } }`;
const NODE = 'query($id: ID!) { node(id: $id) { __typename id } }';

const t = useTestApp();

const roleRow = (id: string) => t.app.db.prisma.role.findUnique({ where: { id } });
const roleCount = (tenantId: string) => t.app.db.prisma.role.count({ where: { tenantId } });

async function addCatalogueScope(tenant: TestTenant, name: string): Promise<void> {
  await t.app.db.prisma.scope.create({ data: { id: newId('scp'), tenantId: tenant.id, name } });
}

async function customRole(tenant: TestTenant, scopes: string[], name = `role-${newId('rol').slice(-6)}`) {
  const response = await t.graphql(CREATE, { input: { name, scopes } }, { token: tenant.owner.token });
  expect(response.data.createRole.__typename).toBe('RolePayload');
  return response.data.createRole.role as { id: string; name: string };
}

describe('roles, role and node', () => {
  it('lists the four built-in roles with their fixed scopes, then custom roles', async () => {
    const tenant = await createTenant(t.app);
    await tenant.addMember('VIEWER');
    const custom = await customRole(tenant, ['keys:read']);
    const response = await t.graphql(LIST, {}, { token: tenant.owner.token });
    const roles = response.data.roles.edges.map((e: { node: unknown }) => e.node);
    expect(roles.map((r: { name: string }) => r.name)).toEqual(['OWNER', 'ADMIN', 'MEMBER', 'VIEWER', custom.name]);
    expect(roles[0]).toMatchObject({ builtIn: 'OWNER', scopes: ['*'], memberCount: 1 });
    expect(roles[1]).toMatchObject({ builtIn: 'ADMIN', scopes: ['*', '!tenant:admin'], memberCount: 0 });
    expect(roles[2].scopes).toEqual(roleScopes({ builtIn: 'MEMBER', scopes: [] }).toArray());
    expect(roles[3]).toMatchObject({ builtIn: 'VIEWER', memberCount: 1 });
    expect(roles[4]).toMatchObject({ builtIn: null, scopes: ['keys:read'], memberCount: 0 });

    const customOnly = await t.graphql(LIST, { filter: { builtIn: false } }, { token: tenant.owner.token });
    expect(customOnly.data.roles.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([custom.id]);
    const searched = await t.graphql(LIST, { filter: { search: 'except tenant' } }, { token: tenant.owner.token });
    expect(searched.data.roles.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['ADMIN']);
    const paged = await t.graphql(LIST, { first: 2 }, { token: tenant.owner.token });
    const next = await t.graphql(LIST, { first: 2, after: paged.data.roles.pageInfo.endCursor }, { token: tenant.owner.token });
    expect(next.data.roles.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['MEMBER', 'VIEWER']);
  });

  it('lets the platform operator read the roles of a tenant it names', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(LIST, { tenantId: tenant.id }, { token: t.platform });
    expect(response.data.roles.edges).toHaveLength(4);
  });

  it('shows members their own role even without roles:read, and no other', async () => {
    const tenant = await createTenant(t.app);
    const nobody = await memberWithScopes(t, tenant, []);
    const own = await t.graphql('{ me { role { name scopes } } }', {}, { token: nobody.token });
    expect(own.data.me.role.scopes).toEqual([]);
    const other = await t.graphql(GET, { id: tenant.roles.OWNER }, { token: nobody.token });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['roles:read'] });
  });

  it('is refused without credentials, without roles:read, and for another tenant (by id, node, cursor, tenantId)', async () => {
    const tenant = await createTenant(t.app);
    const page = await t.graphql(LIST, { first: 1 }, { token: tenant.owner.token });
    await expectAuthCases(t, tenant, { document: LIST, field: 'roles', scope: 'roles:read', crossTenant: 'notFoundError', variables: { after: page.data.roles.pageInfo.endCursor } });
    await expectAuthCases(t, tenant, { document: LIST, field: 'roles', crossTenant: 'notFoundError', variables: { tenantId: tenant.id } });
    await expectAuthCases(t, tenant, { document: GET, field: 'role', scope: 'roles:read', crossTenant: 'notFoundError', variables: { id: tenant.roles.ADMIN } });
    await expectAuthCases(t, tenant, { document: NODE, field: 'node', crossTenant: 'null', variables: { id: tenant.roles.ADMIN } });
    expect((await t.graphql(NODE, { id: tenant.roles.ADMIN }, { token: tenant.owner.token })).data.node).toEqual({ __typename: 'Role', id: tenant.roles.ADMIN });
  });
});

describe('createRole', () => {
  it('creates a custom role from management and catalogue scopes', async () => {
    const tenant = await createTenant(t.app);
    await addCatalogueScope(tenant, 'tickets:read');
    const response = await t.graphql(CREATE, { input: { name: ' Support ', description: 'Reads tickets', scopes: ['tickets:read', 'keys:read'] } }, { token: tenant.owner.token });
    expect(response.data.createRole.role).toMatchObject({ name: 'Support', description: 'Reads tickets', builtIn: null, scopes: ['keys:read', 'tickets:read'], memberCount: 0 });
    const event = await t.app.db.prisma.auditEvent.findFirst({ where: { tenantId: tenant.id, action: 'role.created' } });
    expect(event!.changes).toMatchObject({ name: 'Support', scopes: ['keys:read', 'tickets:read'] });
  });

  it.each([
    ['an empty name', { name: ' ' }, [['input', 'name']]],
    ['a too long name', { name: 'r'.repeat(65) }, [['input', 'name']]],
    ['a too long description', { description: 'd'.repeat(501) }, [['input', 'description']]],
    ['a malformed scope', { scopes: ['keys:read', 'Keys'] }, [['input', 'scopes', '1']]],
    ['a wildcard', { scopes: ['*'] }, [['input', 'scopes', '0']]],
    ['a scope outside the catalogue', { scopes: ['tickets:write'] }, [['input', 'scopes', '0']]],
    ['a repeated scope', { scopes: ['keys:read', 'roles:read', 'keys:read'] }, [['input', 'scopes', '2']]],
  ])('refuses %s, writing nothing', async (_label, change, paths) => {
    const tenant = await createTenant(t.app);
    const before = await roleCount(tenant.id);
    const response = await t.graphql(CREATE, { input: { name: 'Valid', scopes: ['keys:read'], ...change } }, { token: tenant.owner.token });
    expect(response.data.createRole.__typename).toBe('ValidationError');
    expect(response.data.createRole.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual(paths);
    expect(await roleCount(tenant.id)).toBe(before);
  });

  it('refuses a name taken in the tenant, ignoring case (built-in names included)', async () => {
    const tenant = await createTenant(t.app);
    await customRole(tenant, [], 'Support');
    const before = await roleCount(tenant.id);
    for (const name of ['support', 'Owner']) {
      const response = await t.graphql(CREATE, { input: { name, scopes: [] } }, { token: tenant.owner.token });
      expect(response.data.createRole, name).toMatchObject({ __typename: 'ConflictError', field: 'name' });
    }
    expect(await roleCount(tenant.id)).toBe(before);
  });

  it('never creates a role holding scopes the caller lacks', async () => {
    const tenant = await createTenant(t.app);
    const admin = await tenant.addMember('ADMIN');
    const roleWriter = await memberWithScopes(t, tenant, ['roles:read', 'roles:write', 'keys:read']);
    const before = await roleCount(tenant.id);
    const byAdmin = await t.graphql(CREATE, { input: { name: 'Sneaky', scopes: ['tenant:admin', 'keys:read'] } }, { token: admin.token });
    expect(byAdmin.data.createRole).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    const byWriter = await t.graphql(CREATE, { input: { name: 'Sneaky', scopes: ['keys:read', 'keys:write', 'audit:read'] } }, { token: roleWriter.token });
    expect(byWriter.data.createRole).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['audit:read', 'keys:write'] });
    expect(await roleCount(tenant.id)).toBe(before);
    const within = await t.graphql(CREATE, { input: { name: 'Fine', scopes: ['keys:read'] } }, { token: roleWriter.token });
    expect(within.data.createRole.__typename).toBe('RolePayload');
  });

  it('is refused without credentials, without roles:write, and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    await expectAuthCases(t, tenant, {
      document: CREATE, field: 'createRole', scope: 'roles:write', crossTenant: 'notFoundResult',
      variables: { input: { tenantId: tenant.id, name: 'New role', scopes: [] } },
      snapshot: () => t.app.db.prisma.role.count({ where: { name: 'New role' } }),
    });
  });
});

describe('updateRole', () => {
  it("renames a role and changes its scopes; members' sessions follow at once", async () => {
    const tenant = await createTenant(t.app);
    const role = await customRole(tenant, ['keys:read']);
    const member = await tenant.addMember({ roleId: role.id });
    const response = await t.graphql(UPDATE, { input: { id: role.id, name: 'Key admins', scopes: ['keys:write', 'keys:read'] } }, { token: tenant.owner.token });
    expect(response.data.updateRole.role).toMatchObject({ name: 'Key admins', scopes: ['keys:read', 'keys:write'], memberCount: 1 });
    const viewer = await t.graphql('{ viewer { scopes } }', {}, { token: member.token });
    expect(viewer.data.viewer.scopes).toEqual(['keys:read', 'keys:write']);
    const event = await t.app.db.prisma.auditEvent.findFirst({ where: { tenantId: tenant.id, action: 'role.updated' } });
    expect(event!.changes).toMatchObject({ scopes: { before: ['keys:read'], after: ['keys:read', 'keys:write'] } });
  });

  it('refuses changes to a built-in role', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(UPDATE, { input: { id: tenant.roles.VIEWER, scopes: ['keys:write'] } }, { token: tenant.owner.token });
    expect(response.data.updateRole).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect((await roleRow(tenant.roles.VIEWER))!.scopes).toEqual([]);
  });

  it.each([
    ['an empty name', { name: '' }, ['input', 'name']],
    ['an unknown scope', { scopes: ['nothing:here'] }, ['input', 'scopes', '0']],
  ])('refuses %s, writing nothing', async (_label, change, path) => {
    const tenant = await createTenant(t.app);
    const role = await customRole(tenant, ['keys:read']);
    const before = await roleRow(role.id);
    const response = await t.graphql(UPDATE, { input: { id: role.id, ...change } }, { token: tenant.owner.token });
    expect(response.data.updateRole.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([path]);
    expect(await roleRow(role.id)).toEqual(before);
  });

  it('refuses a name another role has, but allows changing the case of its own', async () => {
    const tenant = await createTenant(t.app);
    const role = await customRole(tenant, [], 'ops');
    const taken = await t.graphql(UPDATE, { input: { id: role.id, name: 'ADMIN' } }, { token: tenant.owner.token });
    expect(taken.data.updateRole).toMatchObject({ __typename: 'ConflictError', field: 'name' });
    const recased = await t.graphql(UPDATE, { input: { id: role.id, name: 'Ops' } }, { token: tenant.owner.token });
    expect(recased.data.updateRole.role.name).toBe('Ops');
  });

  it('never adds scopes the caller lacks, nor edits a role above the caller', async () => {
    const tenant = await createTenant(t.app);
    const admin = await tenant.addMember('ADMIN');
    const ownersRole = await customRole(tenant, ['tenant:admin']);
    const plain = await customRole(tenant, ['keys:read']);
    const grow = await t.graphql(UPDATE, { input: { id: plain.id, scopes: ['keys:read', 'tenant:admin'] } }, { token: admin.token });
    expect(grow.data.updateRole).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    const shrink = await t.graphql(UPDATE, { input: { id: ownersRole.id, scopes: [] } }, { token: admin.token });
    expect(shrink.data.updateRole).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    expect((await roleRow(plain.id))!.scopes).toEqual(['keys:read']);
    expect((await roleRow(ownersRole.id))!.scopes).toEqual(['tenant:admin']);
  });

  it('is refused without credentials, without roles:write, and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    const role = await customRole(tenant, ['keys:read']);
    await expectAuthCases(t, tenant, {
      document: UPDATE, field: 'updateRole', scope: 'roles:write', crossTenant: 'notFoundResult',
      variables: { input: { id: role.id, name: 'Changed' } },
      snapshot: () => roleRow(role.id),
    });
  });
});

describe('deleteRole', () => {
  it('deletes an unused custom role', async () => {
    const tenant = await createTenant(t.app);
    const role = await customRole(tenant, []);
    const response = await t.graphql(DELETE, { input: { id: role.id } }, { token: tenant.owner.token });
    expect(response.data.deleteRole).toEqual({ __typename: 'DeleteRolePayload', deletedRoleId: role.id });
    expect(await roleRow(role.id)).toBeNull();
  });

  it('refuses a role in use unless its members are reassigned, which happens in the same step', async () => {
    const tenant = await createTenant(t.app);
    const role = await customRole(tenant, ['keys:read']);
    const members = [await tenant.addMember({ roleId: role.id }), await tenant.addMember({ roleId: role.id })];
    const refused = await t.graphql(DELETE, { input: { id: role.id } }, { token: tenant.owner.token });
    expect(refused.data.deleteRole).toMatchObject({ __typename: 'ConflictError', field: 'reassignTo' });
    expect(refused.data.deleteRole.message).toContain('held by 2 members');
    expect(await roleRow(role.id)).not.toBeNull();

    const self = await t.graphql(DELETE, { input: { id: role.id, reassignTo: role.id } }, { token: tenant.owner.token });
    expect(self.data.deleteRole.__typename).toBe('ValidationError');

    const moved = await t.graphql(DELETE, { input: { id: role.id, reassignTo: tenant.roles.VIEWER } }, { token: tenant.owner.token });
    expect(moved.data.deleteRole.__typename).toBe('DeleteRolePayload');
    expect(await roleRow(role.id)).toBeNull();
    const rows = await t.app.db.prisma.member.findMany({ where: { id: { in: members.map((m) => m.id) } } });
    expect(rows.map((m) => m.roleId)).toEqual([tenant.roles.VIEWER, tenant.roles.VIEWER]);
  });

  it('never reassigns members to a role above the caller, nor to another tenant\'s role', async () => {
    const tenant = await createTenant(t.app);
    const other = await createTenant(t.app);
    const admin = await tenant.addMember('ADMIN');
    const role = await customRole(tenant, ['keys:read']);
    const member = await tenant.addMember({ roleId: role.id });
    const toOwner = await t.graphql(DELETE, { input: { id: role.id, reassignTo: tenant.roles.OWNER } }, { token: admin.token });
    expect(toOwner.data.deleteRole).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    const toForeign = await t.graphql(DELETE, { input: { id: role.id, reassignTo: other.roles.VIEWER } }, { token: admin.token });
    expect(toForeign.data.deleteRole.__typename).toBe('NotFoundError');
    expect(await roleRow(role.id)).not.toBeNull();
    expect((await t.app.db.prisma.member.findUnique({ where: { id: member.id } }))!.roleId).toBe(role.id);
  });

  it('refuses to delete a built-in role', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(DELETE, { input: { id: tenant.roles.MEMBER, reassignTo: tenant.roles.VIEWER } }, { token: tenant.owner.token });
    expect(response.data.deleteRole.__typename).toBe('ConflictError');
    expect(await roleRow(tenant.roles.MEMBER)).not.toBeNull();
  });

  it('is refused without credentials, without roles:write, and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    const role = await customRole(tenant, []);
    await expectAuthCases(t, tenant, {
      document: DELETE, field: 'deleteRole', scope: 'roles:write', crossTenant: 'notFoundResult',
      variables: { input: { id: role.id } },
      snapshot: () => roleRow(role.id),
    });
  });
});
