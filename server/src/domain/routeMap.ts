/**
 * Forward-auth's route map: which scopes a request to a tenant's own API needs.
 *
 * A route is `{ pattern, scopes }`. The pattern is written as an allowed endpoint is
 * (domain/endpoints.ts): `*`, `/path-glob`, or `METHOD /path-glob`; it is matched against the
 * request's method and its path normalized as endpoints are (`normalizeEndpointPath`). Routes are
 * tried in order and the first match decides; when none matches, the map's default decides:
 * `DENY` refuses (403 ROUTE_NOT_ALLOWED), `ALLOW` lets any valid credential pass with no scope
 * required. A tenant without a map has the default `DENY` and no routes: forward-auth lets
 * nothing through until the tenant says what may pass.
 */
import picomatch from 'picomatch';
import { ALL_ENDPOINTS, validateEndpointPattern } from './endpoints.ts';
import { validateScopeName } from './scopes.ts';

export const ROUTE_MAP_DEFAULTS = ['DENY', 'ALLOW'] as const;
export type RouteMapDefault = (typeof ROUTE_MAP_DEFAULTS)[number];

export const MAX_ROUTES = 200;
export const MAX_SCOPES_PER_ROUTE = 32;

export type Route = {
  pattern: string;
  scopes: string[];
};

export interface CompiledRouteMap {
  defaultAction: RouteMapDefault;
  /** The required scopes of the first route matching, the default's answer when none does. */
  requiredScopes(method: string, normalizedPath: string): { allowed: true; scopes: readonly string[] } | { allowed: false };
}

/** Why a route list is refused, as `[index, field, message]`; null when it is acceptable. */
export function routeListProblem(routes: readonly Route[]): { index: number; field: 'pattern' | 'scopes'; message: string } | null {
  if (routes.length > MAX_ROUTES) return { index: MAX_ROUTES, field: 'pattern', message: `A route map has at most ${MAX_ROUTES} routes` };
  for (const [index, route] of routes.entries()) {
    const patternError = validateEndpointPattern(route.pattern);
    if (patternError !== null) return { index, field: 'pattern', message: patternError };
    if (route.scopes.length > MAX_SCOPES_PER_ROUTE) return { index, field: 'scopes', message: `A route requires at most ${MAX_SCOPES_PER_ROUTE} scopes` };
    for (const scope of route.scopes) {
      const scopeError = validateScopeName(scope);
      if (scopeError !== null) return { index, field: 'scopes', message: scopeError };
    }
  }
  return null;
}

const PICOMATCH_OPTIONS: picomatch.PicomatchOptions = { dot: true, windows: false };
const EVERYTHING = (): boolean => true;

/** Compiles a stored map (validated on write; a route that no longer compiles matches nothing). */
export function compileRouteMap(defaultAction: RouteMapDefault, routes: readonly Route[]): CompiledRouteMap {
  const compiled = routes.map((route) => {
    const space = route.pattern.indexOf(' ');
    const method = space === -1 ? null : route.pattern.slice(0, space);
    const path = space === -1 ? route.pattern : route.pattern.slice(space + 1);
    let matchPath: (path: string) => boolean;
    try {
      matchPath = validateEndpointPattern(route.pattern) !== null ? () => false : path === ALL_ENDPOINTS ? EVERYTHING : picomatch(path, PICOMATCH_OPTIONS);
    } catch {
      matchPath = () => false;
    }
    return { method, matchPath, scopes: Object.freeze([...new Set(route.scopes)]) };
  });
  const fallback = defaultAction === 'ALLOW' ? { allowed: true as const, scopes: Object.freeze([]) as readonly string[] } : { allowed: false as const };
  return {
    defaultAction,
    requiredScopes(method, normalizedPath) {
      for (const route of compiled) {
        if ((route.method === null || route.method === method) && route.matchPath(normalizedPath)) return { allowed: true, scopes: route.scopes };
      }
      return fallback;
    },
  };
}

/** The map of a tenant that has none. */
export const NO_ROUTE_MAP: CompiledRouteMap = compileRouteMap('DENY', []);
