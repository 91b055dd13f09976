import { builder } from '../builder.ts';
import { idOf } from '../inputSafety.ts';
import type { Scope } from '../generated/prisma/client.ts';
import { MANAGEMENT_SCOPES } from '../domain/scopes.ts';
import { MUTATION_ERRORS } from './errors.ts';
import { deletedIdPayload, inputMutation } from './payloads.ts';
import { assertCursorVisible } from './pagination.ts';
import { textSearch } from '../services/filters.ts';
import { targetTenantId } from '../services/authorization.ts';
import { createScope, deleteScope, updateScope } from '../services/scopes.ts';

const READ = { $any: { platform: true, scope: 'scopes:read' } } as const;
const WRITE = { $any: { platform: true, scope: 'scopes:write' } } as const;

type ManagementScope = (typeof MANAGEMENT_SCOPES)[number];

const ManagementScopeRef = builder.objectRef<ManagementScope>('ManagementScope').implement({
  description: 'A scope that guards the management API itself; the same in every tenant.',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
  }),
});

export const ScopeRef = builder.prismaNode('Scope', {
  id: { field: 'id' },
  // node(id:) of a record outside the caller's tenant answers null, like a missing one.
  nullable: true,
  description: "A resource scope of the tenant's own APIs, in its catalogue.",
  authScopes: READ,
  fields: (t) => ({
    name: t.exposeString('name', { description: '`resource:action`' }),
    description: t.exposeString('description'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ScopeFilter = builder.inputType('ScopeFilter', {
  fields: (t) => ({ search: t.string({ required: false, description: 'Matches name or description, case-insensitively.' }) }),
});

builder.queryFields((t) => ({
  managementScopes: t.field({
    type: [ManagementScopeRef],
    description: 'The scopes of the management API, in a fixed order.',
    authScopes: { authenticated: true },
    resolve: () => MANAGEMENT_SCOPES,
  }),
  scopes: t.prismaConnection({
    type: 'Scope',
    cursor: 'id',
    description: "The tenant's resource-scope catalogue, oldest first. The platform operator names the tenant.",
    authScopes: READ,
    args: { tenantId: t.arg.id({ required: false, ...idOf('Tenant') }), filter: t.arg({ type: ScopeFilter, required: false }) },
    resolve: async (query, _root, args, ctx) => {
      const tenantId = await targetTenantId(ctx, args.tenantId && String(args.tenantId), ['tenantId']);
      await assertCursorVisible(ctx.db.scope, args);
      return ctx.db.scope.findMany({
        ...query,
        where: { tenantId, ...textSearch(['name', 'description'], args.filter?.search) },
        orderBy: { id: 'asc' },
      });
    },
  }),
}));

const CreateScopeInput = builder.inputType('CreateScopeInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, ...idOf('Tenant'), description: 'Platform operator only.' }),
    name: t.string({ required: true, description: '`resource:action`, lowercase; not a management scope name.' }),
    description: t.string({ required: false }),
  }),
});

const UpdateScopeInput = builder.inputType('UpdateScopeInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('Scope') }),
    description: t.string({ required: true, description: 'The name cannot change: keys and roles refer to it.' }),
  }),
});

const DeleteScopeInput = builder.inputType('DeleteScopeInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('Scope') }),
    cascade: t.boolean({ required: false, description: 'Also remove the scope from every key, role and group that names it.' }),
  }),
});

const ScopePayload = builder.objectRef<{ scope: Scope }>('ScopePayload').implement({
  fields: (t) => ({ scope: t.expose('scope', { type: ScopeRef }) }),
});

const DeleteScopePayload = deletedIdPayload('DeleteScopePayload', 'deletedScopeId');

builder.mutationFields((t) => ({
  createScope: inputMutation(t, {
    type: ScopePayload,
    description: "Add a resource scope to the tenant's catalogue.",
    authScopes: WRITE,
    input: CreateScopeInput,
    resolve: async (input, ctx) => ({ scope: await createScope(ctx, input) }),
  }),
  updateScope: inputMutation(t, {
    type: ScopePayload,
    authScopes: WRITE,
    input: UpdateScopeInput,
    resolve: async (input, ctx) => ({ scope: await updateScope(ctx, input) }),
  }),
  deleteScope: inputMutation(t, {
    type: DeleteScopePayload,
    description: 'Refused while keys, roles or groups name the scope, unless `cascade`.',
    authScopes: WRITE,
    input: DeleteScopeInput,
    resolve: async (input, ctx) => ({ id: (await deleteScope(ctx, input)).id }),
  }),
}));
