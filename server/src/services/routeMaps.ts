import { z } from 'zod';
import type { App, Context } from '../appTypes.ts';
import { afterCommit } from '../db/transaction.ts';
import { ValidationError } from '../domain/errors.ts';
import { compileRouteMap, NO_ROUTE_MAP, routeListProblem, ROUTE_MAP_DEFAULTS, type CompiledRouteMap, type Route, type RouteMapDefault } from '../domain/routeMap.ts';
import { recordAudit } from './audit.ts';
import { targetTenantId } from './authorization.ts';
import { parseInput } from './validation.ts';

/** A tenant's route map as the API shows it (a tenant without one: DENY, no routes, never updated). */
export interface RouteMapView {
  tenantId: string;
  defaultAction: RouteMapDefault;
  routes: Route[];
  updatedAt: Date | null;
}

const routeInput = z.object({
  pattern: z.string().trim(),
  scopes: z.array(z.string().trim()),
});

const setInput = z.object({
  tenantId: z.string().nullish(),
  defaultAction: z.enum(ROUTE_MAP_DEFAULTS),
  routes: z.array(routeInput),
});

/** The stored routes of a row (a JSON list written by setRouteMap); anything else reads as none. */
function storedRoutes(value: unknown): Route[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (r): r is Route => typeof r === 'object' && r !== null && typeof r.pattern === 'string' && Array.isArray(r.scopes) && r.scopes.every((s: unknown) => typeof s === 'string'),
  );
}

/** The caller's tenant's route map (platform operator: the tenant named). */
export async function routeMapOf(ctx: Context, tenantId: string): Promise<RouteMapView> {
  const row = await ctx.db.routeMap.findUnique({ where: { tenantId } });
  if (row === null) return { tenantId, defaultAction: 'DENY', routes: [], updatedAt: null };
  return { tenantId, defaultAction: row.defaultAction, routes: storedRoutes(row.routes), updatedAt: row.updatedAt };
}

/**
 * Replaces a tenant's whole route map (the order of routes is the order they are tried in).
 * Audited with the map before and after; every instance rereads it after the commit.
 */
export async function setRouteMap(ctx: Context, raw: unknown): Promise<RouteMapView> {
  const input = parseInput(setInput, raw);
  const tenantId = await targetTenantId(ctx, input.tenantId);
  const routes: Route[] = input.routes.map((r) => ({ pattern: r.pattern, scopes: r.scopes }));
  const problem = routeListProblem(routes);
  if (problem !== null) throw ValidationError.field(['input', 'routes', problem.index, problem.field], problem.message);

  const view = await ctx.db.$transaction(async (tx) => {
    const before = await tx.routeMap.findUnique({ where: { tenantId } });
    const data = { defaultAction: input.defaultAction, routes };
    const after = await tx.routeMap.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
    await recordAudit(tx, ctx, {
      tenantId,
      action: 'routeMap.updated',
      targetType: 'Tenant',
      targetId: tenantId,
      changes: {
        defaultAction: { before: before?.defaultAction ?? 'DENY', after: after.defaultAction },
        routes: { before: storedRoutes(before?.routes ?? []), after: routes },
      },
    });
    return { tenantId, defaultAction: after.defaultAction, routes, updatedAt: after.updatedAt } satisfies RouteMapView;
  });
  // A change of no key: every instance drops only this tenant's cached map (caches.ts invalidate).
  await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId, keyIds: [] }));
  return view;
}

/**
 * The compiled route map forward-auth decides with: from the verification caches (dropped on every
 * instance by any invalidation of the tenant), else one read.
 */
export async function compiledRouteMap(app: App, tenantId: string): Promise<CompiledRouteMap> {
  const { caches } = app.verification;
  const cached = caches.getRouteMap(tenantId);
  if (cached !== undefined) return cached;
  const generation = caches.generation;
  const row = await app.db.prisma.routeMap.findUnique({ where: { tenantId } });
  const map = row === null ? NO_ROUTE_MAP : compileRouteMap(row.defaultAction, storedRoutes(row.routes));
  caches.storeRouteMap(tenantId, map, generation);
  return map;
}
