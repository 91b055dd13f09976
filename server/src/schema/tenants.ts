import { builder } from '../builder.ts';
import { idOf } from '../inputSafety.ts';
import type { Tenant } from '../generated/prisma/client.ts';
import { MUTATION_ERRORS } from './errors.ts';
import { assertCursorVisible } from './pagination.ts';
import { textSearch } from '../services/filters.ts';
import { createTenant, setTenantStatus, updateTenant } from '../services/tenants.ts';
import { LeakedKeyPolicyEnum } from './leaks.ts';

export const TenantStatusEnum = builder.enumType('TenantStatus', { values: ['ACTIVE', 'SUSPENDED'] as const });

export const TenantRef = builder.prismaNode('Tenant', {
  id: { field: 'id' },
  // node(id:) of a tenant the caller cannot see is null, like any record of another tenant.
  nullable: true,
  // The platform operator sees every tenant; a tenant caller only its own (ctx.db confines it).
  authScopes: { $any: { platform: true, tenant: true } },
  fields: (t) => ({
    name: t.exposeString('name'),
    slug: t.exposeString('slug'),
    status: t.expose('status', { type: TenantStatusEnum }),
    apiEnabled: t.exposeBoolean('apiEnabled', { description: 'When false, every API key and token of the tenant is refused.' }),
    keyPrefix: t.exposeString('keyPrefix', { description: 'Starts every key text of the tenant, e.g. `kw_…`.' }),
    maxKeyLifetimeSeconds: t.exposeInt('maxKeyLifetimeSeconds', { nullable: true }),
    defaultTokenTtlSeconds: t.exposeInt('defaultTokenTtlSeconds', { description: 'Lifetime of an access token whose key and group set none.' }),
    maxTokenTtlSeconds: t.exposeInt('maxTokenTtlSeconds', { description: 'No access token lives longer, whatever its key or group sets.' }),
    allowQueryParamKey: t.exposeBoolean('allowQueryParamKey', { description: 'Whether `?rest_api_key=` is accepted (it ends up in access logs).' }),
    auditRetentionDays: t.exposeInt('auditRetentionDays', { nullable: true }),
    leakedKeyPolicy: t.expose('leakedKeyPolicy', { type: LeakedKeyPolicyEnum, description: 'What a report that a key of the tenant was published does to it (REVOKE by default).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const TenantFilter = builder.inputType('TenantFilter', {
  fields: (t) => ({
    status: t.field({ type: TenantStatusEnum, required: false }),
    search: t.string({ required: false, description: 'Matches name or slug, case-insensitively.' }),
  }),
});

builder.queryFields((t) => ({
  tenants: t.prismaConnection({
    type: 'Tenant',
    cursor: 'id',
    description: 'Every tenant, oldest first (platform operator).',
    authScopes: { platform: true },
    args: { filter: t.arg({ type: TenantFilter, required: false }) },
    resolve: async (query, _root, args, ctx) => {
      await assertCursorVisible(ctx.db.tenant, args);
      return ctx.db.tenant.findMany({
        ...query,
        where: { status: args.filter?.status ?? undefined, ...textSearch(['name', 'slug'], args.filter?.search) },
        orderBy: { id: 'asc' },
      });
    },
  }),
  tenant: t.prismaField({
    type: 'Tenant',
    nullable: true,
    description: "The caller's own tenant, or (platform operator) the tenant with this id.",
    authScopes: { $any: { platform: true, tenant: true } },
    args: { id: t.arg.id({ required: false, ...idOf('Tenant') }) },
    resolve: (query, _root, args, ctx) => {
      const id = args.id ? String(args.id) : 'tenantId' in ctx.caller ? ctx.caller.tenantId : null;
      return id ? ctx.db.tenant.findUnique({ ...query, where: { id } }) : null;
    },
  }),
}));

const CreateTenantInput = builder.inputType('CreateTenantInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    slug: t.string({ required: true, description: 'Unique, lowercase letters, digits and dashes.' }),
    keyPrefix: t.string({ required: false, description: 'Default `kw`.' }),
  }),
});

const UpdateTenantInput = builder.inputType('UpdateTenantInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('Tenant') }),
    name: t.string({ required: false }),
    apiEnabled: t.boolean({ required: false }),
    keyPrefix: t.string({ required: false, description: 'Applies to keys created from now on; existing keys keep working.' }),
    maxKeyLifetimeSeconds: t.int({ required: false }),
    clearMaxKeyLifetime: t.boolean({ required: false, description: 'Remove the maximum key lifetime.' }),
    defaultTokenTtlSeconds: t.int({ required: false, description: 'At most maxTokenTtlSeconds.' }),
    maxTokenTtlSeconds: t.int({ required: false, description: '60 s to 30 days; keys and groups asking for more get this.' }),
    allowQueryParamKey: t.boolean({ required: false }),
    auditRetentionDays: t.int({ required: false }),
    leakedKeyPolicy: t.field({ type: LeakedKeyPolicyEnum, required: false, description: 'REVOKE, DISABLE or NOTIFY: what a leaked-key report does.' }),
  }),
});

const TenantPayload = builder.objectRef<{ tenant: Tenant }>('TenantPayload').implement({
  fields: (t) => ({ tenant: t.expose('tenant', { type: TenantRef }) }),
});

builder.mutationFields((t) => ({
  createTenant: t.field({
    type: TenantPayload,
    description: 'Create a tenant with its built-in roles (platform operator).',
    authScopes: { platform: true },
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: CreateTenantInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({ tenant: await createTenant(ctx, input) }),
  }),
  updateTenant: t.field({
    type: TenantPayload,
    description: 'Rename a tenant or change its settings (platform operator, or tenant:admin of that tenant).',
    authScopes: { $any: { platform: true, scope: 'tenant:admin' } },
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: UpdateTenantInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({ tenant: await updateTenant(ctx, { ...input, id: String(input.id) }) }),
  }),
  suspendTenant: t.field({
    type: TenantPayload,
    description: 'Refuse every credential of the tenant until resumed (platform operator).',
    authScopes: { platform: true },
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('Tenant') }) },
    resolve: async (_root, { id }, ctx) => ({ tenant: await setTenantStatus(ctx, String(id), 'SUSPENDED') }),
  }),
  resumeTenant: t.field({
    type: TenantPayload,
    authScopes: { platform: true },
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('Tenant') }) },
    resolve: async (_root, { id }, ctx) => ({ tenant: await setTenantStatus(ctx, String(id), 'ACTIVE') }),
  }),
}));

