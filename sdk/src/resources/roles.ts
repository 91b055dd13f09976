import { CreateRoleMutation, DeleteRoleMutation, GetRoleQuery, ListRolesQuery, UpdateRoleMutation } from '../operations/roles.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type { CreateRoleInput, DeleteRoleInput, Role, RoleFilter, RoleId, UpdateRoleInput } from '../types.ts';
import { found, listed } from './shared.ts';

export interface RoleListFilter extends RoleFilter {
  /** Platform operator only. */
  tenantId?: string;
}

export function rolesResource(t: Transport) {
  return {
    /** The tenant's roles, built-in ones first. */
    ...listed<Role, RoleListFilter>(t, ListRolesQuery),

    async get(id: RoleId, call?: CallOptions): Promise<Role> {
      return (await found(t, GetRoleQuery, { id }, 'Role', id, call)) as Role;
    },

    /** A custom role: a named set of scopes, each held by the caller. */
    async create(input: CreateRoleInput, call?: CallOptions): Promise<Role> {
      return (await t.mutate(CreateRoleMutation, { input }, 'RolePayload', call)).role as Role;
    },

    async update(input: UpdateRoleInput, call?: CallOptions): Promise<Role> {
      return (await t.mutate(UpdateRoleMutation, { input }, 'RolePayload', call)).role as Role;
    },

    /** `reassignTo` is required while members hold the role. */
    async delete(input: DeleteRoleInput, call?: CallOptions): Promise<{ deletedRoleId: string }> {
      return t.mutate(DeleteRoleMutation, { input }, 'DeleteRolePayload', call);
    },
  };
}
