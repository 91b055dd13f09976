import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE } from '../../src/builder.ts';
import { newId } from '../../src/domain/ids.ts';
import { verifySecret } from '../../src/domain/secrets.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { RESULT_FIELDS, expectAuthCases, memberWithScopes } from '../harness/authCases.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';

const MEMBER_FIELDS = 'id email name status hasPassword apiKeyCount role { id name }';
const CREATE = `mutation($input: CreateMemberInput!) { createMember(input: $input) { ${RESULT_FIELDS} ... on MemberPayload { member { ${MEMBER_FIELDS} } } } }`;
const UPDATE = `mutation($input: UpdateMemberInput!) { updateMember(input: $input) { ${RESULT_FIELDS} ... on MemberPayload { member { ${MEMBER_FIELDS} } } } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateMember(id: $id) { ${RESULT_FIELDS} ... on MemberPayload { member { id status } } } }`;
const REACTIVATE = `mutation($id: ID!) { reactivateMember(id: $id) { ${RESULT_FIELDS} ... on MemberPayload { member { id status } } } }`;
const DELETE = `mutation($id: ID!) { deleteMember(id: $id) { ${RESULT_FIELDS} ... on DeleteMemberPayload { deletedMemberId } } }`;
const SET_PASSWORD = `mutation($input: SetMemberPasswordInput!) { setMemberPassword(input: $input) { ${RESULT_FIELDS} ... on MemberPayload { member { id hasPassword } } } }`;
const LIST = `query($tenantId: ID, $filter: MemberFilter, $first: Int, $after: String) {
  members(tenantId: $tenantId, filter: $filter, first: $first, after: $after) {
    edges { cursor node { id email name status } } pageInfo { hasNextPage endCursor } } }`;
const GET = 'query($id: ID!) { member(id: $id) { id email } }';
const NODE = 'query($id: ID!) { node(id: $id) { __typename id ... on Member { email } } }';
const VIEWER = '{ viewer { kind } }';

const PASSWORD = 'correct horse battery staple';

const t = useTestApp();

const memberCount = (tenantId: string) => t.app.db.prisma.member.count({ where: { tenantId } });
const memberRow = (id: string) => t.app.db.prisma.member.findUnique({ where: { id } });
const auditActions = async (tenantId: string) =>
  (await t.app.db.prisma.auditEvent.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } })).map((e) => e.action);

async function createApiKeyRow(tenantId: string, ownerId: string): Promise<void> {
  const id = newId('key');
  await t.app.db.prisma.apiKey.create({
    data: { id, tenantId, ownerId, publicId: id.slice(4), name: 'key', secretHash: 'x', keyPrefix: 'kw', keyTail: 'abcd' },
  });
}

describe('createMember', () => {
  it('creates a member with a role and a hashed password', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(CREATE, {
      input: { email: ' Ada@Example.COM ', name: ' Ada Lovelace ', roleId: tenant.roles.MEMBER, password: PASSWORD },
    }, { token: tenant.owner.token });

    const member = response.data.createMember.member;
    expect(response.data.createMember.__typename).toBe('MemberPayload');
    expect(member).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace', status: 'ACTIVE', hasPassword: true, apiKeyCount: 0, role: { id: tenant.roles.MEMBER, name: 'MEMBER' } });
    const row = await memberRow(member.id);
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifySecret(row!.passwordHash!, PASSWORD)).toBe(true);
    expect(response.body).not.toContain(PASSWORD);
    expect(await auditActions(tenant.id)).toEqual(['member.created']);
  });

  it('lets the platform operator create the first OWNER of a tenant it names', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(CREATE, {
      input: { tenantId: tenant.id, email: 'founder@example.com', name: 'Founder', roleId: tenant.roles.OWNER },
    }, { token: t.platform });
    expect(response.data.createMember.member).toMatchObject({ role: { name: 'OWNER' }, hasPassword: false });

    const withoutTenant = await t.graphql(CREATE, { input: { email: 'x@example.com', name: 'X', roleId: tenant.roles.OWNER } }, { token: t.platform });
    expect(withoutTenant.data.createMember.fieldErrors).toEqual([{ path: ['input', 'tenantId'], message: 'is required for the platform operator' }]);
  });

  it.each([
    ['an empty email', { email: '' }, ['input', 'email']],
    ['a malformed email', { email: 'not-an-email' }, ['input', 'email']],
    ['a too long email', { email: `${'a'.repeat(250)}@example.com` }, ['input', 'email']],
    ['an empty name', { name: '   ' }, ['input', 'name']],
    ['a too long name', { name: 'n'.repeat(101) }, ['input', 'name']],
    ['a too short password', { password: 'p'.repeat(11) }, ['input', 'password']],
    ['a too long password', { password: 'p'.repeat(257) }, ['input', 'password']],
  ])('refuses %s, writing nothing', async (_label, change, path) => {
    const tenant = await createTenant(t.app);
    const before = await memberCount(tenant.id);
    const response = await t.graphql(CREATE, { input: { email: 'ok@example.com', name: 'Ok', roleId: tenant.roles.VIEWER, ...change } }, { token: tenant.owner.token });
    expect(response.data.createMember.__typename).toBe('ValidationError');
    expect(response.data.createMember.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([path]);
    expect(await memberCount(tenant.id)).toBe(before);
    expect(response.body).not.toContain('p'.repeat(11));
  });

  it('refuses an email already in the tenant, ignoring case, but allows it in another tenant', async () => {
    const tenant = await createTenant(t.app);
    const before = await memberCount(tenant.id);
    const duplicate = await t.graphql(CREATE, { input: { email: 'OWNER@example.test', name: 'Dup', roleId: tenant.roles.VIEWER } }, { token: tenant.owner.token });
    expect(duplicate.data.createMember).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'email' });
    expect(await memberCount(tenant.id)).toBe(before);

    const other = await createTenant(t.app);
    const inOther = await t.graphql(CREATE, { input: { email: 'owner@example.test', name: 'Elsewhere', roleId: other.roles.VIEWER } }, { token: tenant.owner.token });
    expect(inOther.data.createMember.__typename).toBe('NotFoundError'); // their role, not ours
    const shared = { email: 'shared@example.com', name: 'Shared' };
    expect((await t.graphql(CREATE, { input: { ...shared, roleId: tenant.roles.VIEWER } }, { token: tenant.owner.token })).data.createMember.__typename).toBe('MemberPayload');
    expect((await t.graphql(CREATE, { input: { ...shared, roleId: other.roles.VIEWER } }, { token: other.owner.token })).data.createMember.__typename).toBe('MemberPayload');
  });

  it("refuses another tenant's role or tenantId as NOT_FOUND", async () => {
    const tenant = await createTenant(t.app);
    const other = await createTenant(t.app);
    const before = await memberCount(tenant.id);
    const foreignRole = await t.graphql(CREATE, { input: { email: 'a@example.com', name: 'A', roleId: other.roles.VIEWER } }, { token: tenant.owner.token });
    expect(foreignRole.data.createMember).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const foreignTenant = await t.graphql(CREATE, { input: { tenantId: other.id, email: 'a@example.com', name: 'A', roleId: other.roles.VIEWER } }, { token: tenant.owner.token });
    expect(foreignTenant.data.createMember.__typename).toBe('NotFoundError');
    expect(await memberCount(tenant.id)).toBe(before);
    expect(await memberCount(other.id)).toBe(1);
  });

  it('never grants a role with scopes the caller lacks', async () => {
    const tenant = await createTenant(t.app);
    const admin = await tenant.addMember('ADMIN');
    const recruiter = await memberWithScopes(t, tenant, ['members:write']);
    const before = await memberCount(tenant.id);
    const owner = await t.graphql(CREATE, { input: { email: 'boss@example.com', name: 'Boss', roleId: tenant.roles.OWNER } }, { token: admin.token });
    expect(owner.data.createMember).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN', missingScopes: ['tenant:admin'] });
    const viewer = await t.graphql(CREATE, { input: { email: 'v@example.com', name: 'V', roleId: tenant.roles.VIEWER } }, { token: recruiter.token });
    expect(viewer.data.createMember.__typename).toBe('ForbiddenError');
    expect(viewer.data.createMember.missingScopes).toEqual(['groups:read', 'keys:read', 'members:read', 'roles:read', 'scopes:read']);
    expect(await memberCount(tenant.id)).toBe(before);

    const admins = await t.graphql(CREATE, { input: { email: 'a2@example.com', name: 'Second admin', roleId: tenant.roles.ADMIN } }, { token: admin.token });
    expect(admins.data.createMember.__typename).toBe('MemberPayload');
  });

  it('is refused without credentials, without members:write, and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    await expectAuthCases(t, tenant, {
      document: CREATE, field: 'createMember', scope: 'members:write', crossTenant: 'notFoundResult',
      variables: { input: { email: 'new@example.com', name: 'New', roleId: tenant.roles.VIEWER } },
      snapshot: () => t.app.db.prisma.member.count({ where: { email: 'new@example.com' } }),
    });
  });
});

describe('members, member, node and me', () => {
  async function tenantWithMembers(): Promise<TestTenant & { ids: string[] }> {
    const tenant = await createTenant(t.app);
    const ids = [tenant.owner.id];
    for (const [email, name] of [['grace@example.com', 'Grace Hopper'], ['alan@example.com', 'Alan Turing'], ['edsger@example.com', 'Edsger Dijkstra']]) {
      const id = newId('mem');
      await t.app.db.prisma.member.create({ data: { id, tenantId: tenant.id, email: email!, name: name!, roleId: tenant.roles.MEMBER } });
      ids.push(id);
    }
    return Object.assign(tenant, { ids });
  }

  it('pages through the members in id order', async () => {
    const tenant = await tenantWithMembers();
    const first = await t.graphql(LIST, { first: 3 }, { token: tenant.owner.token });
    expect(first.data.members.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(tenant.ids.slice(0, 3));
    expect(first.data.members.pageInfo.hasNextPage).toBe(true);
    const rest = await t.graphql(LIST, { first: 3, after: first.data.members.pageInfo.endCursor }, { token: tenant.owner.token });
    expect(rest.data.members.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(tenant.ids.slice(3));
    expect(rest.data.members.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by status and by text in name or email', async () => {
    const tenant = await tenantWithMembers();
    await t.app.db.prisma.member.update({ where: { id: tenant.ids[2] }, data: { status: 'DEACTIVATED' } });
    const deactivated = await t.graphql(LIST, { filter: { status: 'DEACTIVATED' } }, { token: tenant.owner.token });
    expect(deactivated.data.members.edges.map((e: { node: { email: string } }) => e.node.email)).toEqual(['alan@example.com']);
    const byName = await t.graphql(LIST, { filter: { search: 'HOPPER' } }, { token: tenant.owner.token });
    expect(byName.data.members.edges.map((e: { node: { email: string } }) => e.node.email)).toEqual(['grace@example.com']);
    const byEmail = await t.graphql(LIST, { filter: { search: 'edsger@' } }, { token: tenant.owner.token });
    expect(byEmail.data.members.edges).toHaveLength(1);
  });

  it(`returns at most ${MAX_PAGE_SIZE} members per page`, async () => {
    const tenant = await createTenant(t.app);
    await t.app.db.prisma.member.createMany({
      data: Array.from({ length: MAX_PAGE_SIZE + 5 }, (_, i) => ({ id: newId('mem'), tenantId: tenant.id, email: `m${i}@example.com`, name: `M${i}`, roleId: tenant.roles.VIEWER })),
    });
    // More than a page, yet within the cost limit (which counts the size asked for).
    const page = await t.graphql(LIST, { first: MAX_PAGE_SIZE + 50 }, { token: tenant.owner.token });
    expect(page.data.members.edges).toHaveLength(MAX_PAGE_SIZE);
    expect(page.data.members.pageInfo.hasNextPage).toBe(true);
  });

  it('lets the platform operator list any tenant it names', async () => {
    const tenant = await tenantWithMembers();
    const listed = await t.graphql(LIST, { tenantId: tenant.id }, { token: t.platform });
    expect(listed.data.members.edges).toHaveLength(4);
    const unnamed = await t.graphql(LIST, {}, { token: t.platform });
    expect(unnamed.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fieldErrors: [{ path: ['tenantId'] }] });
  });

  it('is refused without credentials, without members:read, by cursor and by tenantId of another tenant', async () => {
    const tenant = await tenantWithMembers();
    const first = await t.graphql(LIST, { first: 1 }, { token: tenant.owner.token });
    await expectAuthCases(t, tenant, { document: LIST, field: 'members', scope: 'members:read', crossTenant: 'notFoundError', variables: { after: first.data.members.pageInfo.endCursor } });
    await expectAuthCases(t, tenant, { document: LIST, field: 'members', crossTenant: 'notFoundError', variables: { tenantId: tenant.id } });
  });

  it('finds a member by id and as a node, and answers null for another tenant', async () => {
    const tenant = await tenantWithMembers();
    const byId = await t.graphql(GET, { id: tenant.ids[1] }, { token: tenant.owner.token });
    expect(byId.data.member).toEqual({ id: tenant.ids[1], email: 'grace@example.com' });
    const node = await t.graphql(NODE, { id: tenant.ids[1] }, { token: tenant.owner.token });
    expect(node.data.node).toEqual({ __typename: 'Member', id: tenant.ids[1], email: 'grace@example.com' });

    await expectAuthCases(t, tenant, { document: GET, field: 'member', scope: 'members:read', crossTenant: 'notFoundError', variables: { id: tenant.ids[1] } });
    await expectAuthCases(t, tenant, { document: NODE, field: 'node', crossTenant: 'null', variables: { id: tenant.ids[1] } });
  });

  it('shows every caller their own member record, and only that, without members:read', async () => {
    const tenant = await createTenant(t.app);
    const nobody = await memberWithScopes(t, tenant, []);
    const me = await t.graphql('{ me { id email } }', {}, { token: nobody.token });
    expect(me.data.me).toEqual({ id: nobody.id, email: nobody.email });
    const ownNode = await t.graphql(NODE, { id: nobody.id }, { token: nobody.token });
    expect(ownNode.data.node.id).toBe(nobody.id);
    const ownerNode = await t.graphql(NODE, { id: tenant.owner.id }, { token: nobody.token });
    expect(ownerNode.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['members:read'] });
    expect(ownerNode.body).not.toContain(tenant.owner.email);
    expect((await t.graphql('{ me { id } }', {}, { token: t.platform })).data.me).toBeNull();
  });
});

describe('updateMember', () => {
  it('renames a member and changes their role, with an audit diff', async () => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    const response = await t.graphql(UPDATE, { input: { id: member.id, name: 'Renamed', roleId: tenant.roles.ADMIN } }, { token: tenant.owner.token });
    expect(response.data.updateMember.member).toMatchObject({ name: 'Renamed', role: { name: 'ADMIN' } });
    const event = await t.app.db.prisma.auditEvent.findFirst({ where: { tenantId: tenant.id, action: 'member.updated' } });
    expect(event!.changes).toMatchObject({ name: { before: 'Test Member', after: 'Renamed' }, roleId: { before: tenant.roles.VIEWER, after: tenant.roles.ADMIN } });
    // The new role applies to the member's existing session at once.
    const scopes = await t.graphql('{ viewer { scopes } }', {}, { token: member.token });
    expect(scopes.data.viewer.scopes).toEqual(['*', '!tenant:admin']);
  });

  it.each([
    ['an empty name', { name: '' }],
    ['a too long name', { name: 'x'.repeat(101) }],
  ])('refuses %s, writing nothing', async (_label, change) => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    const before = await memberRow(member.id);
    const response = await t.graphql(UPDATE, { input: { id: member.id, ...change } }, { token: tenant.owner.token });
    expect(response.data.updateMember.fieldErrors).toEqual([expect.objectContaining({ path: ['input', 'name'] })]);
    expect(await memberRow(member.id)).toEqual(before);
  });

  it('refuses an unknown role', async () => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    const response = await t.graphql(UPDATE, { input: { id: member.id, roleId: newId('rol') } }, { token: tenant.owner.token });
    expect(response.data.updateMember.__typename).toBe('NotFoundError');
    expect((await memberRow(member.id))!.roleId).toBe(tenant.roles.VIEWER);
  });

  it('never lets anyone change their own role, so an ADMIN cannot make themselves OWNER', async () => {
    const tenant = await createTenant(t.app);
    const admin = await tenant.addMember('ADMIN');
    const self = await t.graphql(UPDATE, { input: { id: admin.id, roleId: tenant.roles.OWNER } }, { token: admin.token });
    expect(self.data.updateMember).toMatchObject({ __typename: 'ForbiddenError', message: 'You cannot change your own role' });
    const demoteSelf = await t.graphql(UPDATE, { input: { id: tenant.owner.id, roleId: tenant.roles.VIEWER } }, { token: tenant.owner.token });
    expect(demoteSelf.data.updateMember.__typename).toBe('ForbiddenError');
    expect((await memberRow(admin.id))!.roleId).toBe(tenant.roles.ADMIN);
    // Renaming yourself is fine.
    const rename = await t.graphql(UPDATE, { input: { id: admin.id, name: 'Me', roleId: tenant.roles.ADMIN } }, { token: admin.token });
    expect(rename.data.updateMember.__typename).toBe('MemberPayload');
  });

  it('never grants a role above the caller, nor touches a member above the caller', async () => {
    const tenant = await createTenant(t.app);
    const admin = await tenant.addMember('ADMIN');
    const viewer = await tenant.addMember('VIEWER');
    const promote = await t.graphql(UPDATE, { input: { id: viewer.id, roleId: tenant.roles.OWNER } }, { token: admin.token });
    expect(promote.data.updateMember).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    const demoteOwner = await t.graphql(UPDATE, { input: { id: tenant.owner.id, roleId: tenant.roles.VIEWER } }, { token: admin.token });
    expect(demoteOwner.data.updateMember).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    const renameOwner = await t.graphql(UPDATE, { input: { id: tenant.owner.id, name: 'Pwned' } }, { token: admin.token });
    expect(renameOwner.data.updateMember.__typename).toBe('ForbiddenError');
    expect((await memberRow(viewer.id))!.roleId).toBe(tenant.roles.VIEWER);
    expect(await memberRow(tenant.owner.id)).toMatchObject({ roleId: tenant.roles.OWNER, name: 'Test Member' });
  });

  it('keeps the last active OWNER from being demoted', async () => {
    const tenant = await createTenant(t.app);
    const second = await tenant.addMember('OWNER');
    const first = await t.graphql(UPDATE, { input: { id: tenant.owner.id, roleId: tenant.roles.ADMIN } }, { token: second.token });
    expect(first.data.updateMember.__typename).toBe('MemberPayload');
    const last = await t.graphql(UPDATE, { input: { id: second.id, roleId: tenant.roles.ADMIN } }, { token: t.platform });
    expect(last.data.updateMember).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(last.data.updateMember.message).toContain('last active OWNER');
    expect((await memberRow(second.id))!.roleId).toBe(tenant.roles.OWNER);
  });

  it('is refused without credentials, without members:write, and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    await expectAuthCases(t, tenant, {
      document: UPDATE, field: 'updateMember', scope: 'members:write', crossTenant: 'notFoundResult',
      variables: { input: { id: member.id, name: 'Changed' } },
      snapshot: () => memberRow(member.id),
    });
  });
});

describe('deactivateMember and reactivateMember', () => {
  it('deactivation ends the member\'s sessions; reactivation lets them log in again', async () => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    expect((await t.graphql(VIEWER, {}, { token: member.token })).status).toBe(200);

    const off = await t.graphql(DEACTIVATE, { id: member.id }, { token: tenant.owner.token });
    expect(off.data.deactivateMember.member).toEqual({ id: member.id, status: 'DEACTIVATED' });
    expect((await t.graphql(VIEWER, {}, { token: member.token })).status).toBe(401);
    expect(await t.app.db.prisma.session.count({ where: { memberId: member.id, revokedAt: null } })).toBe(0);

    const on = await t.graphql(REACTIVATE, { id: member.id }, { token: tenant.owner.token });
    expect(on.data.reactivateMember.member.status).toBe('ACTIVE');
    expect((await t.graphql(VIEWER, {}, { token: member.token })).status).toBe(401); // revoked stays revoked
    expect(await auditActions(tenant.id)).toEqual(['member.deactivated', 'member.reactivated']);
  });

  it('keeps the last active OWNER active, and an ADMIN away from an OWNER', async () => {
    const tenant = await createTenant(t.app);
    const admin = await tenant.addMember('ADMIN');
    const byAdmin = await t.graphql(DEACTIVATE, { id: tenant.owner.id }, { token: admin.token });
    expect(byAdmin.data.deactivateMember).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    const last = await t.graphql(DEACTIVATE, { id: tenant.owner.id }, { token: t.platform });
    expect(last.data.deactivateMember.__typename).toBe('ConflictError');
    expect((await memberRow(tenant.owner.id))!.status).toBe('ACTIVE');

    await tenant.addMember('OWNER');
    const notLast = await t.graphql(DEACTIVATE, { id: tenant.owner.id }, { token: t.platform });
    expect(notLast.data.deactivateMember.member.status).toBe('DEACTIVATED');
  });

  it.each([
    ['deactivateMember', DEACTIVATE],
    ['reactivateMember', REACTIVATE],
  ])('%s is refused without credentials, without members:write, and for another tenant', async (field, document) => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    await expectAuthCases(t, tenant, { document, field, scope: 'members:write', crossTenant: 'notFoundResult', variables: { id: member.id }, snapshot: () => memberRow(member.id) });
  });
});

describe('deleteMember', () => {
  it('deletes a member with their sessions', async () => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    const response = await t.graphql(DELETE, { id: member.id }, { token: tenant.owner.token });
    expect(response.data.deleteMember).toEqual({ __typename: 'DeleteMemberPayload', deletedMemberId: member.id });
    expect(await memberRow(member.id)).toBeNull();
    expect((await t.graphql(VIEWER, {}, { token: member.token })).status).toBe(401);
    expect(await auditActions(tenant.id)).toEqual(['member.deleted']);
  });

  it('is refused while the member owns API keys, naming how many', async () => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('MEMBER');
    await createApiKeyRow(tenant.id, member.id);
    await createApiKeyRow(tenant.id, member.id);
    const response = await t.graphql(DELETE, { id: member.id }, { token: tenant.owner.token });
    expect(response.data.deleteMember).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(response.data.deleteMember.message).toContain('owns 2 API keys');
    expect(await memberRow(member.id)).not.toBeNull();
  });

  it('keeps the last active OWNER', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(DELETE, { id: tenant.owner.id }, { token: t.platform });
    expect(response.data.deleteMember.__typename).toBe('ConflictError');
    expect(await memberRow(tenant.owner.id)).not.toBeNull();
  });

  it('is refused without credentials, without members:write, and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    await expectAuthCases(t, tenant, { document: DELETE, field: 'deleteMember', scope: 'members:write', crossTenant: 'notFoundResult', variables: { id: member.id }, snapshot: () => memberRow(member.id) });
  });
});

describe('setMemberPassword', () => {
  async function memberWithPassword(tenant: TestTenant, role: 'ADMIN' | 'VIEWER' = 'VIEWER') {
    const member = await tenant.addMember(role);
    const set = await t.graphql(SET_PASSWORD, { input: { memberId: member.id, password: PASSWORD } }, { token: t.platform });
    expect(set.data.setMemberPassword.member.hasPassword).toBe(true);
    // Setting a password ends the member's other sessions; log in afresh.
    const login = await t.graphql('mutation($input: LoginInput!) { login(input: $input) { ... on LoginPayload { token } } }', { input: { tenant: tenant.slug, email: member.email, password: PASSWORD } });
    return { ...member, token: login.data.login.token as string };
  }

  it('changes your own password given the current one, ending your other sessions', async () => {
    const tenant = await createTenant(t.app);
    const member = await memberWithPassword(tenant);
    const otherSession = (await t.graphql('mutation($input: LoginInput!) { login(input: $input) { ... on LoginPayload { token } } }', { input: { tenant: tenant.slug, email: member.email, password: PASSWORD } })).data.login.token;
    const newPassword = 'a brand new passphrase';
    const response = await t.graphql(SET_PASSWORD, { input: { memberId: member.id, password: newPassword, currentPassword: PASSWORD } }, { token: member.token });
    expect(response.data.setMemberPassword.__typename).toBe('MemberPayload');
    expect(await verifySecret((await memberRow(member.id))!.passwordHash!, newPassword)).toBe(true);
    expect((await t.graphql(VIEWER, {}, { token: member.token })).status).toBe(200);
    expect((await t.graphql(VIEWER, {}, { token: otherSession })).status).toBe(401);
    for (const secret of [newPassword, PASSWORD]) {
      expect(response.body).not.toContain(secret);
      expect(t.logs.text()).not.toContain(secret);
    }
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id } });
    expect(JSON.stringify(events)).not.toContain(newPassword);
    expect(JSON.stringify(events)).not.toMatch(/argon2/);
  });

  it('needs the correct current password to change your own', async () => {
    const tenant = await createTenant(t.app);
    const member = await memberWithPassword(tenant, 'ADMIN');
    const hash = (await memberRow(member.id))!.passwordHash;
    const missing = await t.graphql(SET_PASSWORD, { input: { memberId: member.id, password: 'another passphrase' } }, { token: member.token });
    expect(missing.data.setMemberPassword.fieldErrors).toEqual([{ path: ['input', 'currentPassword'], message: 'is required to change your own password' }]);
    const wrong = await t.graphql(SET_PASSWORD, { input: { memberId: member.id, password: 'another passphrase', currentPassword: 'not my password' } }, { token: member.token });
    expect(wrong.data.setMemberPassword.fieldErrors).toEqual([{ path: ['input', 'currentPassword'], message: 'is not correct' }]);
    expect((await memberRow(member.id))!.passwordHash).toBe(hash);
  });

  it.each([
    ['too short', 'p'.repeat(11)],
    ['too long', 'p'.repeat(257)],
  ])('refuses a %s password, writing nothing', async (_label, password) => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    const response = await t.graphql(SET_PASSWORD, { input: { memberId: member.id, password } }, { token: tenant.owner.token });
    expect(response.data.setMemberPassword.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([['input', 'password']]);
    expect((await memberRow(member.id))!.passwordHash).toBeNull();
    expect(response.body).not.toContain(password);
  });

  it("sets another member's password only with members:write and a role at least as strong", async () => {
    const tenant = await createTenant(t.app);
    const viewer = await tenant.addMember('VIEWER');
    const admin = await tenant.addMember('ADMIN');
    const byViewer = await t.graphql(SET_PASSWORD, { input: { memberId: admin.id, password: PASSWORD } }, { token: viewer.token });
    expect(byViewer.data.setMemberPassword).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['members:write'] });
    const onOwner = await t.graphql(SET_PASSWORD, { input: { memberId: tenant.owner.id, password: PASSWORD } }, { token: admin.token });
    expect(onOwner.data.setMemberPassword).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    expect((await memberRow(tenant.owner.id))!.passwordHash).toBeNull();

    const byAdmin = await t.graphql(SET_PASSWORD, { input: { memberId: viewer.id, password: PASSWORD } }, { token: admin.token });
    expect(byAdmin.data.setMemberPassword.member).toEqual({ id: viewer.id, hasPassword: true });
    expect((await t.graphql(VIEWER, {}, { token: viewer.token })).status).toBe(401); // their sessions ended
  });

  it('is refused without credentials and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    const member = await tenant.addMember('VIEWER');
    await expectAuthCases(t, tenant, {
      document: SET_PASSWORD, field: 'setMemberPassword', crossTenant: 'notFoundResult',
      variables: { input: { memberId: member.id, password: PASSWORD } },
      snapshot: () => memberRow(member.id),
    });
  });
});
