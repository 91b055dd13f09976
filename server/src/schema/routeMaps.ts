import { builder } from '../builder.ts';
import { idOf } from '../inputSafety.ts';
import { ROUTE_MAP_DEFAULTS, type Route } from '../domain/routeMap.ts';
import { routeMapOf, setRouteMap, type RouteMapView } from '../services/routeMaps.ts';
import { MUTATION_ERRORS } from './errors.ts';
import { TenantRef } from './tenants.ts';

// Forward-auth's per-tenant route map (see domain/routeMap.ts and http/forwardAuthRoute.ts).

export const RouteMapDefaultEnum = builder.enumType('RouteMapDefault', {
  values: ROUTE_MAP_DEFAULTS,
  description: 'What forward-auth does with a request no route matches. DENY: 403 ROUTE_NOT_ALLOWED; ALLOW: any valid credential passes, no scope required.',
});

const RouteRef = builder.objectRef<Route>('Route').implement({
  description: 'A route of the map: requests matching `pattern` need every scope of `scopes`.',
  fields: (t) => ({
    pattern: t.exposeString('pattern', {
      description: '`*`, `/path-glob` or `METHOD /path-glob`, written as an allowed endpoint is (e.g. `GET /v1/tickets/**`); matched against the original method and normalized path.',
    }),
    scopes: t.exposeStringList('scopes', { description: 'Scopes the credential must hold; empty: any valid credential.' }),
  }),
});

const RouteMapRef = builder.objectRef<RouteMapView>('RouteMap').implement({
  description: "A tenant's forward-auth route map: routes are tried in order, the first match decides, else the default.",
  fields: (t) => ({
    defaultAction: t.expose('defaultAction', { type: RouteMapDefaultEnum }),
    routes: t.field({ type: [RouteRef], resolve: (map) => map.routes }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true, description: 'Null until the map is first set.' }),
  }),
});

builder.objectField(TenantRef, 'routeMap', (t) =>
  t.field({
    type: RouteMapRef,
    description: "Forward-auth's route map (a tenant that never set one: DENY with no routes). Needs tenant:read.",
    authScopes: { $any: { platform: true, scope: 'tenant:read' } },
    resolve: (tenant, _args, ctx) => routeMapOf(ctx, tenant.id),
  }),
);

const RouteInput = builder.inputType('RouteInput', {
  fields: (t) => ({
    pattern: t.string({ required: true, description: '`*`, `/path-glob` or `METHOD /path-glob`.' }),
    scopes: t.stringList({ required: true, description: 'Required scopes (resource:action); empty: none.' }),
  }),
});

const SetRouteMapInput = builder.inputType('SetRouteMapInput', {
  fields: (t) => ({
    tenantId: t.id({ required: false, ...idOf('Tenant'), description: 'Platform operator only: the tenant.' }),
    defaultAction: t.field({ type: RouteMapDefaultEnum, required: true }),
    routes: t.field({ type: [RouteInput], required: true, description: 'In the order they are tried; at most 200.' }),
  }),
});

const RouteMapPayload = builder.objectRef<{ routeMap: RouteMapView }>('RouteMapPayload').implement({
  fields: (t) => ({ routeMap: t.expose('routeMap', { type: RouteMapRef }) }),
});

builder.mutationFields((t) => ({
  setRouteMap: t.field({
    type: RouteMapPayload,
    description: "Replace the tenant's forward-auth route map (tenant:admin, or the platform operator naming the tenant). Seen by every instance at once.",
    authScopes: { $any: { platform: true, scope: 'tenant:admin' } },
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: SetRouteMapInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      routeMap: await setRouteMap(ctx, { ...input, tenantId: input.tenantId == null ? null : String(input.tenantId) }),
    }),
  }),
}));
