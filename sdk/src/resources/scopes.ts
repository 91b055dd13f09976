import { CreateScopeMutation, DeleteScopeMutation, ListScopesQuery, ManagementScopesQuery, UpdateScopeMutation } from '../operations/scopes.ts';
import { pageOf } from '../pagination.ts';
import { expectPayload, type CallOptions, type Transport } from '../transport.ts';
import type { CreateScopeInput, DeleteScopeInput, ManagementScope, Scope, ScopeFilter, UpdateScopeInput } from '../types.ts';
import { paginated } from './shared.ts';

export interface ScopeListFilter extends ScopeFilter {
  /** Platform operator only. */
  tenantId?: string;
}

export function scopesResource(t: Transport) {
  return {
    /** The tenant's resource-scope catalogue (its own APIs' scopes), oldest first. */
    ...paginated<Scope, ScopeListFilter>(async ({ first, after, filter }, call) => {
      const { tenantId, ...rest } = filter ?? {};
      return pageOf((await t.request(ListScopesQuery, { first, after, filter: rest, tenantId: tenantId ?? null }, call)).scopes);
    }),

    /** The scopes that guard the management API itself (`keys:write`, …), the same in every tenant. */
    async management(call?: CallOptions): Promise<ManagementScope[]> {
      return (await t.request(ManagementScopesQuery, {}, call)).managementScopes;
    },

    /** Add `resource:action` to the catalogue. */
    async create(input: CreateScopeInput, call?: CallOptions): Promise<Scope> {
      const { createScope } = await t.request(CreateScopeMutation, { input }, call);
      return expectPayload(createScope, 'ScopePayload', 'CreateScope').scope;
    },

    /** Only the description can change: keys and roles refer to the name. */
    async update(input: UpdateScopeInput, call?: CallOptions): Promise<Scope> {
      const { updateScope } = await t.request(UpdateScopeMutation, { input }, call);
      return expectPayload(updateScope, 'ScopePayload', 'UpdateScope').scope;
    },

    /** Refused while keys, roles or groups name the scope, unless `cascade: true`. */
    async delete(input: DeleteScopeInput, call?: CallOptions): Promise<{ deletedScopeId: string }> {
      const { deleteScope } = await t.request(DeleteScopeMutation, { input }, call);
      return expectPayload(deleteScope, 'DeleteScopePayload', 'DeleteScope');
    },
  };
}
