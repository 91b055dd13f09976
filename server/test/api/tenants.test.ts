import { newId } from '../../src/domain/ids.ts';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../harness/useTestApp.ts';
import { RESULT_FIELDS, expectAuthCases } from '../harness/authCases.ts';
import { createTenant } from '../harness/fixtures.ts';

const TENANT_FIELDS = 'id name slug status apiEnabled keyPrefix maxKeyLifetimeSeconds defaultTokenTtlSeconds allowQueryParamKey auditRetentionDays';
const CREATE = `mutation($input: CreateTenantInput!) { createTenant(input: $input) { ${RESULT_FIELDS} ... on TenantPayload { tenant { ${TENANT_FIELDS} } } } }`;
const UPDATE = `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { ${RESULT_FIELDS} ... on TenantPayload { tenant { ${TENANT_FIELDS} } } } }`;
const SUSPEND = `mutation($id: ID!) { suspendTenant(id: $id) { ${RESULT_FIELDS} ... on TenantPayload { tenant { id status } } } }`;
const RESUME = `mutation($id: ID!) { resumeTenant(id: $id) { ${RESULT_FIELDS} ... on TenantPayload { tenant { id status } } } }`;
const LIST = `query($filter: TenantFilter, $first: Int, $after: String) {
  tenants(filter: $filter, first: $first, after: $after) { edges { node { id slug status } } pageInfo { hasNextPage endCursor } } }`;
const GET = 'query($id: ID) { tenant(id: $id) { id slug } }';
const CREATE_MEMBER = `mutation($input: CreateMemberInput!) { createMember(input: $input) { ${RESULT_FIELDS} ... on MemberPayload { member { id } } } }`;
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { __typename ... on LoginPayload { token } } }';

const t = useTestApp();

let slugCounter = 0;
const freshSlug = () => `acme-${process.pid}-${++slugCounter}`;
const tenantRow = (id: string) => t.app.db.prisma.tenant.findUnique({ where: { id } });
const tenantCount = () => t.app.db.prisma.tenant.count();

describe('createTenant', () => {
  it('creates a tenant with its built-in roles, ready for a first OWNER who can log in', async () => {
    const slug = freshSlug();
    const response = await t.graphql(CREATE, { input: { name: ' Acme Inc. ', slug, keyPrefix: 'acme' } }, { token: t.platform });
    const tenant = response.data.createTenant.tenant;
    expect(tenant).toMatchObject({ name: 'Acme Inc.', slug, status: 'ACTIVE', apiEnabled: true, keyPrefix: 'acme', defaultTokenTtlSeconds: 86400, allowQueryParamKey: false });
    const roles = await t.app.db.prisma.role.findMany({ where: { tenantId: tenant.id }, orderBy: { id: 'asc' } });
    expect(roles.map((r) => r.builtIn)).toEqual(['OWNER', 'ADMIN', 'MEMBER', 'VIEWER']);
    const audit = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id } });
    expect(audit.map((e) => [e.action, e.actorType])).toEqual([['tenant.created', 'PLATFORM']]);

    const password = 'the founders passphrase';
    const owner = await t.graphql(CREATE_MEMBER, { input: { tenantId: tenant.id, email: 'founder@acme.example', name: 'Founder', roleId: roles[0]!.id, password } }, { token: t.platform });
    expect(owner.data.createMember.__typename).toBe('MemberPayload');
    const login = await t.graphql(LOGIN, { input: { tenant: slug, email: 'founder@acme.example', password } });
    const token = login.data.login.token;
    expect((await t.graphql('{ viewer { kind tenantId scopes } }', {}, { token })).data.viewer).toEqual({ kind: 'MEMBER', tenantId: tenant.id, scopes: ['*'] });
  });

  it.each([
    ['an empty name', { name: '' }, ['input', 'name']],
    ['a too long name', { name: 'n'.repeat(101) }, ['input', 'name']],
    ['an uppercase slug', { slug: 'Acme' }, ['input', 'slug']],
    ['a slug ending in a dash', { slug: 'acme-' }, ['input', 'slug']],
    ['a too long slug', { slug: 'a'.repeat(49) }, ['input', 'slug']],
    ['a key prefix with a dash', { keyPrefix: 'ac-me' }, ['input', 'keyPrefix']],
  ])('refuses %s, writing nothing', async (_label, change, path) => {
    const before = await tenantCount();
    const response = await t.graphql(CREATE, { input: { name: 'Acme', slug: freshSlug(), ...change } }, { token: t.platform });
    expect(response.data.createTenant.__typename).toBe('ValidationError');
    expect(response.data.createTenant.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([path]);
    expect(await tenantCount()).toBe(before);
  });

  it('refuses a slug in use', async () => {
    const existing = await createTenant(t.app);
    const before = await tenantCount();
    const response = await t.graphql(CREATE, { input: { name: 'Copy', slug: existing.slug } }, { token: t.platform });
    expect(response.data.createTenant).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'slug' });
    expect(await tenantCount()).toBe(before);
  });

  it('is the platform operator\'s alone: a tenant OWNER is refused', async () => {
    const tenant = await createTenant(t.app);
    const before = await tenantCount();
    const anonymous = await t.graphql(CREATE, { input: { name: 'X', slug: freshSlug() } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const byOwner = await t.graphql(CREATE, { input: { name: 'X', slug: freshSlug() } }, { token: tenant.owner.token });
    expect(byOwner.status).toBe(403);
    expect(byOwner.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: [] });
    expect(await tenantCount()).toBe(before);
  });
});

describe('tenants and tenant', () => {
  it('lists every tenant to the platform operator, filtered and paged', async () => {
    const a = await createTenant(t.app, 'Filter Alpha');
    const b = await createTenant(t.app, 'Filter Beta');
    await t.graphql(SUSPEND, { id: b.id }, { token: t.platform });
    const searched = await t.graphql(LIST, { filter: { search: 'filter al' } }, { token: t.platform });
    expect(searched.data.tenants.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([a.id]);
    const suspended = await t.graphql(LIST, { filter: { status: 'SUSPENDED', search: 'filter' } }, { token: t.platform });
    expect(suspended.data.tenants.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([b.id]);
    const first = await t.graphql(LIST, { first: 1, filter: { search: 'filter' } }, { token: t.platform });
    const next = await t.graphql(LIST, { first: 1, after: first.data.tenants.pageInfo.endCursor, filter: { search: 'filter' } }, { token: t.platform });
    expect([first, next].map((r) => r.data.tenants.edges[0].node.id)).toEqual([a.id, b.id]);
  });

  it('is refused to tenant callers', async () => {
    const tenant = await createTenant(t.app);
    expect((await t.graphql(LIST)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.graphql(LIST, {}, { token: tenant.owner.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("shows a tenant caller its own tenant, and another tenant's id as null", async () => {
    const tenant = await createTenant(t.app);
    const other = await createTenant(t.app);
    const own = await t.graphql(GET, {}, { token: tenant.owner.token });
    expect(own.data.tenant).toEqual({ id: tenant.id, slug: tenant.slug });
    expect((await t.graphql(GET, { id: other.id }, { token: tenant.owner.token })).data.tenant).toBeNull();
    expect((await t.graphql(GET, { id: other.id }, { token: t.platform })).data.tenant).toEqual({ id: other.id, slug: other.slug });
  });
});

describe('updateTenant', () => {
  it('lets the platform operator rename a tenant and change its settings, with an audit diff', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(UPDATE, {
      input: { id: tenant.id, name: 'Renamed', apiEnabled: false, keyPrefix: 'rn', maxKeyLifetimeSeconds: 86400, defaultTokenTtlSeconds: 3600, allowQueryParamKey: true, auditRetentionDays: 30 },
    }, { token: t.platform });
    expect(response.data.updateTenant.tenant).toMatchObject({ name: 'Renamed', apiEnabled: false, keyPrefix: 'rn', maxKeyLifetimeSeconds: 86400, defaultTokenTtlSeconds: 3600, allowQueryParamKey: true, auditRetentionDays: 30 });
    const cleared = await t.graphql(UPDATE, { input: { id: tenant.id, clearMaxKeyLifetime: true } }, { token: t.platform });
    expect(cleared.data.updateTenant.tenant.maxKeyLifetimeSeconds).toBeNull();
    const event = await t.app.db.prisma.auditEvent.findFirst({ where: { tenantId: tenant.id, action: 'tenant.updated' }, orderBy: { seq: 'asc' } });
    expect(event!.changes).toMatchObject({ name: { before: 'Tenant', after: 'Renamed' }, keyPrefix: { before: 'kw', after: 'rn' } });
  });

  it('lets a tenant:admin holder (OWNER) change its own tenant, not another one', async () => {
    const tenant = await createTenant(t.app);
    const other = await createTenant(t.app);
    const own = await t.graphql(UPDATE, { input: { id: tenant.id, name: 'Ours' } }, { token: tenant.owner.token });
    expect(own.data.updateTenant.tenant.name).toBe('Ours');
    const theirs = await t.graphql(UPDATE, { input: { id: other.id, name: 'Hijacked' } }, { token: tenant.owner.token });
    expect(theirs.data.updateTenant).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect((await tenantRow(other.id))!.name).toBe('Tenant');
  });

  it.each([
    ['an empty name', { name: ' ' }, ['input', 'name']],
    ['an invalid key prefix', { keyPrefix: 'X' }, ['input', 'keyPrefix']],
    ['a key lifetime under a minute', { maxKeyLifetimeSeconds: 59 }, ['input', 'maxKeyLifetimeSeconds']],
    ['a token lifetime over 30 days', { defaultTokenTtlSeconds: 30 * 86400 + 1 }, ['input', 'defaultTokenTtlSeconds']],
    ['a zero audit retention', { auditRetentionDays: 0 }, ['input', 'auditRetentionDays']],
  ])('refuses %s, writing nothing', async (_label, change, path) => {
    const tenant = await createTenant(t.app);
    const before = await tenantRow(tenant.id);
    const response = await t.graphql(UPDATE, { input: { id: tenant.id, ...change } }, { token: tenant.owner.token });
    expect(response.data.updateTenant.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([path]);
    expect(await tenantRow(tenant.id)).toEqual(before);
  });

  it('is refused without credentials, without tenant:admin (an ADMIN), and for another tenant', async () => {
    const tenant = await createTenant(t.app);
    const admin = await tenant.addMember('ADMIN');
    const byAdmin = await t.graphql(UPDATE, { input: { id: tenant.id, name: 'Admin was here' } }, { token: admin.token });
    expect(byAdmin.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['tenant:admin'] });
    await expectAuthCases(t, tenant, {
      document: UPDATE, field: 'updateTenant', scope: 'tenant:admin', crossTenant: 'notFoundResult',
      variables: { input: { id: tenant.id, name: 'Changed' } },
      snapshot: () => tenantRow(tenant.id),
    });
  });
});

describe('suspendTenant and resumeTenant', () => {
  it("refuses a suspended tenant's sessions until it is resumed", async () => {
    const tenant = await createTenant(t.app);
    const viewer = '{ viewer { kind } }';
    const suspended = await t.graphql(SUSPEND, { id: tenant.id }, { token: t.platform });
    expect(suspended.data.suspendTenant.tenant).toEqual({ id: tenant.id, status: 'SUSPENDED' });
    const refused = await t.graphql(viewer, {}, { token: tenant.owner.token });
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const resumed = await t.graphql(RESUME, { id: tenant.id }, { token: t.platform });
    expect(resumed.data.resumeTenant.tenant.status).toBe('ACTIVE');
    expect((await t.graphql(viewer, {}, { token: tenant.owner.token })).data.viewer.kind).toBe('MEMBER');
    const actions = (await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['tenant.suspended', 'tenant.resumed']);
  });

  it('answers NOT_FOUND for an unknown tenant', async () => {
    const response = await t.graphql(SUSPEND, { id: newId('ten') }, { token: t.platform });
    expect(response.data.suspendTenant.__typename).toBe('NotFoundError');
  });

  it.each([
    ['suspendTenant', SUSPEND],
    ['resumeTenant', RESUME],
  ])('%s is the platform operator\'s alone', async (field, document) => {
    const tenant = await createTenant(t.app);
    const before = await tenantRow(tenant.id);
    expect((await t.graphql(document, { id: tenant.id })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const byOwner = await t.graphql(document, { id: tenant.id }, { token: tenant.owner.token });
    expect(byOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(byOwner.data?.[field] ?? null).toBeNull();
    expect(await tenantRow(tenant.id)).toEqual(before);
  });
});
