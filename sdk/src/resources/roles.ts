import { CreateRoleMutation, DeleteRoleMutation, GetRoleQuery, ListRolesQuery, UpdateRoleMutation } from '../operations/roles.ts';
import { pageOf } from '../pagination.ts';
import { expectPayload, type CallOptions, type Transport } from '../transport.ts';
import type { CreateRoleInput, DeleteRoleInput, Role, RoleFilter, UpdateRoleInput } from '../types.ts';
import { notFound, paginated } from './shared.ts';

export interface RoleListFilter extends RoleFilter {
  /** Platform operator only. */
  tenantId?: string;
}

export function rolesResource(t: Transport) {
  return {
    /** The tenant's roles, built-in ones first. */
    ...paginated<Role, RoleListFilter>(async ({ first, after, filter }, call) => {
      const { tenantId, ...rest } = filter ?? {};
      return pageOf((await t.request(ListRolesQuery, { first, after, filter: rest, tenantId: tenantId ?? null }, call)).roles);
    }),

    async get(id: string, call?: CallOptions): Promise<Role> {
      const { role } = await t.request(GetRoleQuery, { id }, call);
      if (!role) throw notFound('Role', id, 'GetRole');
      return role;
    },

    /** A custom role: a named set of scopes, each held by the caller. */
    async create(input: CreateRoleInput, call?: CallOptions): Promise<Role> {
      const { createRole } = await t.request(CreateRoleMutation, { input }, call);
      return expectPayload(createRole, 'RolePayload', 'CreateRole').role;
    },

    async update(input: UpdateRoleInput, call?: CallOptions): Promise<Role> {
      const { updateRole } = await t.request(UpdateRoleMutation, { input }, call);
      return expectPayload(updateRole, 'RolePayload', 'UpdateRole').role;
    },

    /** `reassignTo` is required while members hold the role. */
    async delete(input: DeleteRoleInput, call?: CallOptions): Promise<{ deletedRoleId: string }> {
      const { deleteRole } = await t.request(DeleteRoleMutation, { input }, call);
      return expectPayload(deleteRole, 'DeleteRolePayload', 'DeleteRole');
    },
  };
}
