import type { ApiKeyFilter, ApiKeyStatus } from '../../gql/graphql.ts';

// The keys list's state lives in the URL query, so a filtered view can be linked and survives a
// reload: `search`, `status`, `group`, `owner`, `expiring` (days), `scope`, and the page's cursor
// (`after`, or `before` for a page reached with Previous).

export const PAGE_SIZE = 50;

export const FILTER_PARAMS = ['search', 'status', 'group', 'owner', 'expiring', 'scope'] as const;
export type FilterParam = (typeof FILTER_PARAMS)[number];

export const STATUSES: readonly ApiKeyStatus[] = ['ACTIVE', 'DISABLED', 'EXPIRED', 'REVOKED'];
export const EXPIRING_DAYS = ['7', '30', '90'] as const;

const DAY_MS = 86_400_000;

/** The API's filter for the URL's query; null when it names nothing. */
export function filterOf(query: URLSearchParams, now: number = Date.now()): ApiKeyFilter | null {
  const filter: ApiKeyFilter = {};
  const search = query.get('search')?.trim();
  if (search) filter.search = search;
  const status = query.get('status');
  if (status) filter.status = status as ApiKeyStatus;
  const group = query.get('group');
  if (group) filter.groupId = group;
  const owner = query.get('owner');
  if (owner) filter.ownerId = owner;
  const scope = query.get('scope');
  if (scope) filter.scope = scope;
  const days = Number(query.get('expiring'));
  // "Expiring within N days" as the API's expiringBefore, to the minute (expired keys included).
  if (Number.isFinite(days) && days > 0) filter.expiringBefore = new Date(Math.ceil((now + days * DAY_MS) / 60_000) * 60_000).toISOString();
  return Object.keys(filter).length > 0 ? filter : null;
}

/** The page's cursor as connection arguments: forward from `after`, or backward from `before`. */
export function pageArgs(query: URLSearchParams): { first?: number; after?: string; last?: number; before?: string } {
  const before = query.get('before');
  if (before) return { last: PAGE_SIZE, before };
  const after = query.get('after');
  return after ? { first: PAGE_SIZE, after } : { first: PAGE_SIZE };
}

export function hasFilter(query: URLSearchParams): boolean {
  return FILTER_PARAMS.some((name) => Boolean(query.get(name)));
}

/** `/keys?…` with some parameters changed (null or '' removes one). */
export function keysHref(query: URLSearchParams, changes: Partial<Record<FilterParam | 'after' | 'before', string | null>>): string {
  const next = new URLSearchParams(query);
  for (const [name, value] of Object.entries(changes)) {
    if (value) next.set(name, value);
    else next.delete(name);
  }
  const text = next.toString();
  return text ? `/keys?${text}` : '/keys';
}

/** The same view from its first page: after a filter changes, an old cursor means nothing. */
export function firstPageHref(query: URLSearchParams, changes: Partial<Record<FilterParam, string | null>>): string {
  return keysHref(query, { ...changes, after: null, before: null });
}
