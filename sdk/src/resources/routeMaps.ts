import { SetRouteMapMutation, TenantRouteMapQuery } from '../operations/routeMaps.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type { RouteMap, SetRouteMapInput } from '../types.ts';
import { found } from './shared.ts';

/**
 * Forward-auth's route map: which scopes each route of your API needs when a reverse proxy asks
 * `/v1/forward-auth` (routes tried in order, first match wins, else `defaultAction`).
 */
export function routeMapsResource(t: Transport) {
  return {
    /** The tenant's map (tenant:read; the platform operator names `tenantId`). A tenant that never set one: DENY, no routes. */
    async get(options: { tenantId?: string } = {}, call?: CallOptions): Promise<RouteMap> {
      return (await found(t, TenantRouteMapQuery, { tenantId: options.tenantId ?? null }, 'Tenant', options.tenantId, call)).routeMap;
    },

    /** Replaces the whole map (tenant:admin). Every instance applies it at once. */
    async set(input: SetRouteMapInput, call?: CallOptions): Promise<RouteMap> {
      return (await t.mutate(SetRouteMapMutation, { input }, 'RouteMapPayload', call)).routeMap;
    },
  };
}
