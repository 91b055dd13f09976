import { builder } from '../builder.ts';
import { foundOr } from '../domain/errors.ts';
import { idOf } from '../inputSafety.ts';
import type { Role } from '../generated/prisma/client.ts';
import { roleScopes } from '../domain/scopes.ts';
import { MUTATION_ERRORS } from './errors.ts';
import { deletedIdPayload, inputMutation } from './payloads.ts';
import { assertCursorVisible } from './pagination.ts';
import { textSearch } from '../services/filters.ts';
import { createRole, deleteRole, updateRole } from '../services/roles.ts';
import { targetTenantId } from '../services/authorization.ts';

export const BuiltInRoleEnum = builder.enumType('BuiltInRole', { values: ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'] as const });

const READ = { $any: { platform: true, scope: 'roles:read' } } as const;
const WRITE = { $any: { platform: true, scope: 'roles:write' } } as const;

export const RoleRef = builder.prismaNode('Role', {
  id: { field: 'id' },
  // node(id:) of a record outside the caller's tenant answers null, like a missing one.
  nullable: true,
  // A member may always see the role they hold.
  authScopes: (role, ctx) => (ctx.caller.kind === 'member' && ctx.caller.roleId === role.id ? true : READ),
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    builtIn: t.expose('builtIn', { type: BuiltInRoleEnum, nullable: true, description: 'Set for the four built-in roles, which cannot be changed or deleted.' }),
    scopes: t.stringList({
      description: 'The scopes the role grants. `*` means every scope of the tenant, including ones added later; `!name` excludes one.',
      resolve: (role) => roleScopes(role).toArray(),
    }),
    memberCount: t.exposeInt('memberCount'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const RoleFilter = builder.inputType('RoleFilter', {
  fields: (t) => ({
    builtIn: t.boolean({ required: false, description: 'true: only built-in roles; false: only custom roles.' }),
    search: t.string({ required: false, description: 'Matches the name or description, case-insensitively.' }),
  }),
});

builder.queryFields((t) => ({
  roles: t.prismaConnection({
    type: 'Role',
    cursor: 'id',
    description: "The tenant's roles, oldest first (built-in roles come first). The platform operator names the tenant.",
    authScopes: READ,
    args: { tenantId: t.arg.id({ required: false, ...idOf('Tenant') }), filter: t.arg({ type: RoleFilter, required: false }) },
    resolve: async (query, _root, args, ctx) => {
      const tenantId = await targetTenantId(ctx, args.tenantId && String(args.tenantId), ['tenantId']);
      await assertCursorVisible(ctx.db.role, args);
      const builtIn = args.filter?.builtIn;
      return ctx.db.role.findMany({
        ...query,
        where: {
          tenantId,
          ...(builtIn != null && { builtIn: builtIn ? { not: null } : null }),
          ...textSearch(['name', 'description'], args.filter?.search),
        },
        orderBy: { id: 'asc' },
      });
    },
  }),
  role: t.prismaField({
    type: 'Role',
    nullable: true,
    description: "The role with this id; NOT_FOUND when the caller's tenant has none.",
    authScopes: READ,
    args: { id: t.arg.id({ required: true, ...idOf('Role') }) },
    resolve: (query, _root, args, ctx) => foundOr(ctx.db.role.findUnique({ ...query, where: { id: String(args.id) } }), 'Role', String(args.id)),
  }),
}));

const CreateRoleInput = builder.inputType('CreateRoleInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, ...idOf('Tenant'), description: 'Platform operator only.' }),
    name: t.string({ required: true, description: 'Unique within the tenant, ignoring case.' }),
    description: t.string({ required: false }),
    scopes: t.stringList({ required: true, description: 'Management scopes or scopes of the tenant\'s catalogue, each held by the caller.' }),
  }),
});

const UpdateRoleInput = builder.inputType('UpdateRoleInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('Role') }),
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    scopes: t.stringList({ required: false, description: 'Replaces the list.' }),
  }),
});

const DeleteRoleInput = builder.inputType('DeleteRoleInput', {
  fields: (t) => ({
    id: t.id({ required: true, ...idOf('Role') }),
    reassignTo: t.id({ required: false, ...idOf('Role'), description: 'Required while members hold the role: they move to this role.' }),
  }),
});

const RolePayload = builder.objectRef<{ role: Role }>('RolePayload').implement({
  fields: (t) => ({ role: t.expose('role', { type: RoleRef }) }),
});

const DeleteRolePayload = deletedIdPayload('DeleteRolePayload', 'deletedRoleId');

builder.mutationFields((t) => ({
  createRole: inputMutation(t, {
    type: RolePayload,
    description: 'Create a custom role.',
    authScopes: WRITE,
    input: CreateRoleInput,
    resolve: async (input, ctx) => ({ role: await createRole(ctx, input) }),
  }),
  updateRole: inputMutation(t, {
    type: RolePayload,
    description: 'Change a custom role; its members\' access changes at once.',
    authScopes: WRITE,
    input: UpdateRoleInput,
    resolve: async (input, ctx) => ({ role: await updateRole(ctx, input) }),
  }),
  deleteRole: inputMutation(t, {
    type: DeleteRolePayload,
    description: 'Delete a custom role, moving its members to `reassignTo`.',
    authScopes: WRITE,
    input: DeleteRoleInput,
    resolve: async (input, ctx) => ({ id: (await deleteRole(ctx, input)).id }),
  }),
}));
