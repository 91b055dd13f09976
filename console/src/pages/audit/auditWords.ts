import type { AuditEventFilter } from '../../gql/graphql.ts';

// The audit page's pieces that are not React: the filter as it stands in the URL, the same filter
// applied to live and exported events (the subscription and the export take no filter), and an
// event in words.

export const ACTOR_TYPES = ['MEMBER', 'API_KEY', 'ACCESS_TOKEN', 'PLATFORM', 'SYSTEM'] as const;
type ActorType = (typeof ACTOR_TYPES)[number];

/** The URL query's names for the filter's fields. */
const FIELDS = ['action', 'actorType', 'actor', 'targetType', 'target', 'from', 'to'] as const;
export type FilterField = (typeof FIELDS)[number];
export type UrlFilter = Partial<Record<FilterField, string>>;

export function filterFromQuery(query: URLSearchParams): UrlFilter {
  const filter: UrlFilter = {};
  for (const field of FIELDS) {
    const value = query.get(field)?.trim();
    if (value) filter[field] = value;
  }
  return filter;
}

export function queryOfFilter(filter: UrlFilter): string {
  const query = new URLSearchParams();
  for (const field of FIELDS) if (filter[field]) query.set(field, filter[field]);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The auditEvents query's filter; times as the URL has them (ISO), for the API to check. */
export function apiFilter(filter: UrlFilter): AuditEventFilter | null {
  const api: AuditEventFilter = {
    action: filter.action,
    actorType: ACTOR_TYPES.includes(filter.actorType as ActorType) ? (filter.actorType as ActorType) : undefined,
    actorId: filter.actor,
    targetType: filter.targetType,
    targetId: filter.target,
    from: filter.from,
    to: filter.to,
  };
  const set = Object.fromEntries(Object.entries(api).filter(([, value]) => value !== undefined));
  return Object.keys(set).length > 0 ? (set as AuditEventFilter) : null;
}

export interface EventLike {
  action: string;
  actorType: string;
  actorId?: string | null;
  actorPublicId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  createdAt: Date | string;
}

/** The server's auditWhere (server/src/schema/audit.ts), for events that arrive unfiltered. */
export function matches(filter: UrlFilter, event: EventLike): boolean {
  if (filter.action) {
    if (filter.action.endsWith('.') ? !event.action.startsWith(filter.action) : event.action !== filter.action) return false;
  }
  if (filter.actorType && event.actorType !== filter.actorType) return false;
  if (filter.actor && event.actorId !== filter.actor && event.actorPublicId !== filter.actor) return false;
  if (filter.targetType && event.targetType !== filter.targetType) return false;
  if (filter.target && event.targetId !== filter.target) return false;
  const at = new Date(event.createdAt).getTime();
  if (filter.from && at < new Date(filter.from).getTime()) return false;
  if (filter.to && at >= new Date(filter.to).getTime()) return false;
  return true;
}

/** `key.role_changed` → "key role changed". */
export function actionInWords(action: string): string {
  const [entity = '', ...rest] = action.split('.');
  return [entity, ...rest].join(' ').replaceAll('_', ' ').trim() || action;
}

/** What changed, one line per field: `name: "a" → "b"`. */
export function changesInWords(changes: unknown): string[] {
  if (changes === null || changes === undefined) return [];
  if (typeof changes !== 'object' || Array.isArray(changes)) return [valueInWords(changes)];
  // A created record is recorded whole: its empty fields say nothing.
  const said = Object.entries(changes as Record<string, unknown>).filter(([, change]) => !(change === null || change === '' || (Array.isArray(change) && change.length === 0)));
  return said.map(([field, change]) => {
    const name = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    if (change !== null && typeof change === 'object' && !Array.isArray(change) && ('before' in change || 'after' in change)) {
      const { before, after } = change as { before?: unknown; after?: unknown };
      if (before === undefined || before === null) return `${name} set to ${valueInWords(after)}`;
      if (after === undefined || after === null) return `${name} cleared (was ${valueInWords(before)})`;
      return `${name} changed from ${valueInWords(before)} to ${valueInWords(after)}`;
    }
    return `${name}: ${valueInWords(change)}`;
  });
}

function valueInWords(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `“${value}”`;
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(valueInWords).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The datetime-local input's value (local time, to the minute) for an ISO time, and back. */
export function localInputValue(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function isoOfLocal(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
