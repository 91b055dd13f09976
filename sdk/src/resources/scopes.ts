import { CreateScopeMutation, DeleteScopeMutation, ListScopesQuery, ManagementScopesQuery, UpdateScopeMutation } from '../operations/scopes.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type { CreateScopeInput, DeleteScopeInput, ManagementScope, Scope, ScopeFilter, UpdateScopeInput } from '../types.ts';
import { listed } from './shared.ts';

export interface ScopeListFilter extends ScopeFilter {
  /** Platform operator only. */
  tenantId?: string;
}

export function scopesResource(t: Transport) {
  return {
    /** The tenant's resource-scope catalogue (its own APIs' scopes), oldest first. */
    ...listed<Scope, ScopeListFilter>(t, ListScopesQuery),

    /** The scopes that guard the management API itself (`keys:write`, …), the same in every tenant. */
    async management(call?: CallOptions): Promise<ManagementScope[]> {
      return (await t.request(ManagementScopesQuery, {}, call)).managementScopes;
    },

    /** Add `resource:action` to the catalogue. */
    async create(input: CreateScopeInput, call?: CallOptions): Promise<Scope> {
      return (await t.mutate(CreateScopeMutation, { input }, 'ScopePayload', call)).scope as Scope;
    },

    /** Only the description can change: keys and roles refer to the name. */
    async update(input: UpdateScopeInput, call?: CallOptions): Promise<Scope> {
      return (await t.mutate(UpdateScopeMutation, { input }, 'ScopePayload', call)).scope as Scope;
    },

    /** Refused while keys, roles or groups name the scope, unless `cascade: true`. */
    async delete(input: DeleteScopeInput, call?: CallOptions): Promise<{ deletedScopeId: string }> {
      return t.mutate(DeleteScopeMutation, { input }, 'DeleteScopePayload', call);
    },
  };
}
