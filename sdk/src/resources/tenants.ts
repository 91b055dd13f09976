import { CreateTenantMutation, GetTenantQuery, ListTenantsQuery, ResumeTenantMutation, SuspendTenantMutation, UpdateTenantMutation } from '../operations/tenants.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type { CreateTenantInput, Tenant, TenantFilter, TenantId, UpdateTenantInput } from '../types.ts';
import { found, listed } from './shared.ts';

export function tenantsResource(t: Transport) {
  return {
    /** Every tenant, oldest first (platform operator). */
    ...listed<Tenant, TenantFilter>(t, ListTenantsQuery),

    /** A tenant by id (platform operator), or without an id the caller's own tenant. */
    async get(id?: TenantId, call?: CallOptions): Promise<Tenant> {
      return (await found(t, GetTenantQuery, { id: id ?? null }, 'Tenant', id, call)) as Tenant;
    },

    /** The caller's own tenant. */
    current(call?: CallOptions): Promise<Tenant> {
      return this.get(undefined, call);
    },

    /** Create a tenant with its built-in roles (platform operator). */
    async create(input: CreateTenantInput, call?: CallOptions): Promise<Tenant> {
      return (await t.mutate(CreateTenantMutation, { input }, 'TenantPayload', call)).tenant as Tenant;
    },

    async update(input: UpdateTenantInput, call?: CallOptions): Promise<Tenant> {
      return (await t.mutate(UpdateTenantMutation, { input }, 'TenantPayload', call)).tenant as Tenant;
    },

    /** Refuse every credential of the tenant until resumed (platform operator). */
    async suspend(id: TenantId, call?: CallOptions): Promise<Tenant> {
      return (await t.mutate(SuspendTenantMutation, { id }, 'TenantPayload', call)).tenant as Tenant;
    },

    async resume(id: TenantId, call?: CallOptions): Promise<Tenant> {
      return (await t.mutate(ResumeTenantMutation, { id }, 'TenantPayload', call)).tenant as Tenant;
    },
  };
}
