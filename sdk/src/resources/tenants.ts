import { CreateTenantMutation, GetTenantQuery, ListTenantsQuery, ResumeTenantMutation, SuspendTenantMutation, UpdateTenantMutation } from '../operations/tenants.ts';
import { pageOf } from '../pagination.ts';
import { expectPayload, type CallOptions, type Transport } from '../transport.ts';
import type { CreateTenantInput, Tenant, TenantFilter, UpdateTenantInput } from '../types.ts';
import { notFound, paginated } from './shared.ts';

export function tenantsResource(t: Transport) {
  return {
    /** Every tenant, oldest first (platform operator). */
    ...paginated<Tenant, TenantFilter>(async ({ first, after, filter }, call) => pageOf((await t.request(ListTenantsQuery, { first, after, filter }, call)).tenants)),

    /** A tenant by id (platform operator), or without an id the caller's own tenant. */
    async get(id?: string, call?: CallOptions): Promise<Tenant> {
      const { tenant } = await t.request(GetTenantQuery, { id: id ?? null }, call);
      if (!tenant) throw notFound('Tenant', id, 'GetTenant');
      return tenant;
    },

    /** The caller's own tenant. */
    current(call?: CallOptions): Promise<Tenant> {
      return this.get(undefined, call);
    },

    /** Create a tenant with its built-in roles (platform operator). */
    async create(input: CreateTenantInput, call?: CallOptions): Promise<Tenant> {
      const { createTenant } = await t.request(CreateTenantMutation, { input }, call);
      return expectPayload(createTenant, 'TenantPayload', 'CreateTenant').tenant;
    },

    async update(input: UpdateTenantInput, call?: CallOptions): Promise<Tenant> {
      const { updateTenant } = await t.request(UpdateTenantMutation, { input }, call);
      return expectPayload(updateTenant, 'TenantPayload', 'UpdateTenant').tenant;
    },

    /** Refuse every credential of the tenant until resumed (platform operator). */
    async suspend(id: string, call?: CallOptions): Promise<Tenant> {
      const { suspendTenant } = await t.request(SuspendTenantMutation, { id }, call);
      return expectPayload(suspendTenant, 'TenantPayload', 'SuspendTenant').tenant;
    },

    async resume(id: string, call?: CallOptions): Promise<Tenant> {
      const { resumeTenant } = await t.request(ResumeTenantMutation, { id }, call);
      return expectPayload(resumeTenant, 'TenantPayload', 'ResumeTenant').tenant;
    },
  };
}
