import { ForbiddenError, KeywardenError, NetworkError } from '@keywarden/sdk';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { kw } from '../../api.ts';
import { graphql } from '../../gql/index.ts';
import type { AuditTrailQuery } from '../../gql/graphql.ts';
import { Link, navigate, useTitle } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import type { PageProps } from '../index.ts';
import {
  ACTOR_TYPES,
  actionInWords,
  apiFilter,
  changesInWords,
  filterFromQuery,
  isoOfLocal,
  localInputValue,
  matches,
  queryOfFilter,
  type UrlFilter,
} from './auditWords.ts';

// The audit trail, newest first: the auditEvents query with the URL's filters, one page at a time
// ("Show older events" follows the cursor); live events from the auditEvents subscription added
// at the top while the page is open (filtered here the same way, since the subscription takes no
// filter); and an NDJSON export of the same events from GET /v1/audit/export.

const AuditTrail = graphql(`
  query AuditTrail($first: Int!, $after: String, $filter: AuditEventFilter) {
    auditEvents(first: $first, after: $after, filter: $filter) {
      edges { node { ...AuditRow } }
      pageInfo { hasNextPage endCursor }
    }
    newest: auditEvents(first: 1) { edges { node { id } } }
  }
`);

const AuditLive = graphql(`
  subscription AuditLive($afterId: ID) {
    auditEvents(afterId: $afterId) { ...AuditRow }
  }
`);

graphql(`
  fragment AuditRow on AuditEvent {
    id seq action actorType actorId actorPublicId targetType targetId ip userAgent requestId changes createdAt
  }
`);

type AuditEvent = AuditTrailQuery['auditEvents']['edges'][number]['node'];

const PAGE_SIZE = 25;
const CONSOLE_HEADERS = { 'x-keywarden-console': '1' };

type Live = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export function AuditPage({ query }: PageProps) {
  useTitle('Audit trail');
  const { who } = useSession();
  const queryText = query.toString();
  const filter = useMemo(() => filterFromQuery(new URLSearchParams(queryText)), [queryText]);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [live, setLive] = useState<Live>('connecting');
  const [announcement, setAnnouncement] = useState('');
  const seen = useRef(new Set<string>());

  // The first page, then the live stream from the tenant's newest event on (none missed, none twice).
  useEffect(() => {
    const stop = new AbortController();
    seen.current = new Set();
    setEvents([]);
    setFresh(new Set());
    setError(null);
    setLoading(true);
    setLive('connecting');
    setAnnouncement('');
    void (async () => {
      let afterId: string | null;
      try {
        const result = await kw.request(AuditTrail, { first: PAGE_SIZE, filter: apiFilter(filter) }, { signal: stop.signal });
        const page = result.auditEvents.edges.map((edge) => edge.node);
        for (const event of page) seen.current.add(event.id);
        setEvents(page);
        setNext(result.auditEvents.pageInfo.hasNextPage ? (result.auditEvents.pageInfo.endCursor ?? null) : null);
        afterId = result.newest.edges[0]?.node.id ?? null;
      } catch (caught) {
        if (!stop.signal.aborted) {
          setError(caught);
          setLive('stopped');
        }
        return;
      } finally {
        if (!stop.signal.aborted) setLoading(false);
      }
      await follow(afterId, stop.signal, {
        onState: setLive,
        onError: setError,
        onEvent: (event) => {
          if (seen.current.has(event.id) || !matches(filter, event)) return;
          seen.current.add(event.id);
          setEvents((current) => [event, ...current]);
          setFresh((current) => new Set(current).add(event.id));
          setAnnouncement(`New event: ${actionInWords(event.action)} by ${actorInWords(event, who.me.id)}${event.targetId ? ` on ${event.targetType ?? ''} ${event.targetId}` : ''}.`);
        },
      });
    })();
    return () => stop.abort();
  }, [filter, who.me.id]);

  const showOlder = async () => {
    if (!next) return;
    setLoading(true);
    try {
      const result = await kw.request(AuditTrail, { first: PAGE_SIZE, after: next, filter: apiFilter(filter) });
      const page = result.auditEvents.edges.map((edge) => edge.node).filter((event) => !seen.current.has(event.id));
      for (const event of page) seen.current.add(event.id);
      setEvents((current) => [...current, ...page]);
      setNext(result.auditEvents.pageInfo.hasNextPage ? (result.auditEvents.pageInfo.endCursor ?? null) : null);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  };

  const filtered = Object.keys(filter).length > 0;
  return (
    <main>
      <h1>Audit trail</h1>
      <p className="muted">Who did what to which record, from where and when, newest first. Secrets never appear here: the API keeps none in the trail.</p>
      <Filters filter={filter} />
      <div className="toolbar audit-toolbar">
        <LiveState live={live} />
        <ExportButton filter={filter} />
      </div>
      <p className="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </p>
      <ErrorNotice error={error} />
      {!error || events.length > 0 ? (
        <EventTable events={events} fresh={fresh} me={who.me.id} />
      ) : null}
      {loading && <p role="status">Loading events…</p>}
      {!loading && !error && events.length === 0 && <p>{filtered ? 'No events match these filters.' : 'No events yet.'}</p>}
      {next && (
        <p>
          <button type="button" onClick={() => void showOlder()} disabled={loading}>
            Show older events
          </button>
        </p>
      )}
    </main>
  );
}

/**
 * Follows the subscription until `signal` aborts: resumes after the last event it delivered when
 * the server ends a stream (every 15 minutes) and, with a growing pause, after a network failure.
 * A refusal (no audit:read) or any other API error ends it, in words.
 */
async function follow(
  start: string | null,
  signal: AbortSignal,
  on: { onState(state: Live): void; onError(error: unknown): void; onEvent(event: AuditEvent): void },
): Promise<void> {
  let afterId = start;
  let failures = 0;
  while (!signal.aborted) {
    try {
      for await (const data of kw.subscribe(AuditLive, { afterId }, { signal, idleTimeoutMs: 90_000, onOpen: () => on.onState('live') })) {
        failures = 0;
        afterId = data.auditEvents.id;
        on.onEvent(data.auditEvents);
      }
      failures = 0;
    } catch (caught) {
      if (signal.aborted) return;
      if (!(caught instanceof NetworkError) && !(caught instanceof KeywardenError && caught.code === 'SERVICE_UNAVAILABLE')) {
        on.onState('stopped');
        on.onError(caught);
        return;
      }
      failures++;
    }
    if (signal.aborted) return;
    on.onState('reconnecting');
    if (failures > 0) await pause(Math.min(30_000, 1000 * 2 ** (failures - 1)), signal);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function LiveState({ live }: { live: Live }) {
  const words: Record<Live, string> = {
    connecting: 'Connecting to live updates…',
    live: 'Live: new events appear at the top.',
    reconnecting: 'Live updates interrupted: reconnecting…',
    stopped: 'Live updates are off.',
  };
  return <p className={`audit-live audit-live-${live}`}>{words[live]}</p>;
}

function Filters({ filter }: { filter: UrlFilter }) {
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    navigate(
      `/audit${queryOfFilter({
        action: text('action'),
        actorType: text('actorType'),
        actor: text('actor'),
        targetType: text('targetType'),
        target: text('target'),
        from: isoOfLocal(String(form.get('from') ?? '')),
        to: isoOfLocal(String(form.get('to') ?? '')),
      })}`,
    );
  };
  // Keyed by the filter so the inputs show the URL's values after back/forward.
  return (
    <form className="audit-filters" aria-label="Filter events" onSubmit={apply} key={queryOfFilter(filter)}>
      <label>
        Action
        <input name="action" defaultValue={filter.action ?? ''} placeholder="key.revoked or key." list="audit-actions" spellCheck={false} />
      </label>
      <datalist id="audit-actions">
        {['key.', 'key.created', 'key.revoked', 'key.rotated', 'member.', 'group.', 'role.', 'tenant.', 'session.'].map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      <label>
        Actor type
        <select name="actorType" defaultValue={filter.actorType ?? ''}>
          <option value="">Any</option>
          {ACTOR_TYPES.map((type) => (
            <option key={type} value={type}>
              {ACTOR_TYPE_WORDS[type]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Actor id
        <input name="actor" defaultValue={filter.actor ?? ''} placeholder="mem_… or pk_…" spellCheck={false} />
      </label>
      <label>
        Target type
        <input name="targetType" defaultValue={filter.targetType ?? ''} placeholder="ApiKey" spellCheck={false} />
      </label>
      <label>
        Target id
        <input name="target" defaultValue={filter.target ?? ''} placeholder="key_…" spellCheck={false} />
      </label>
      <label>
        From
        <input name="from" type="datetime-local" defaultValue={localInputValue(filter.from)} />
      </label>
      <label>
        Before
        <input name="to" type="datetime-local" defaultValue={localInputValue(filter.to)} />
      </label>
      <div className="audit-filter-actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <Link to="/audit">Clear filters</Link>
      </div>
    </form>
  );
}

/**
 * Downloads GET /v1/audit/export (NDJSON, oldest first) narrowed to the page's filters. The
 * export takes only `since`, so the other filters apply here, line by line, to the lines as the
 * server wrote them. A fetch with the console header (the server takes the cookie only with it),
 * then a Blob URL.
 */
function ExportButton({ filter }: { filter: UrlFilter }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const run = useCallback(async () => {
    setBusy(true);
    setError(null);
    setDone('');
    try {
      const since = filter.from ? `?since=${encodeURIComponent(filter.from)}` : '';
      const response = await fetch(`/v1/audit/export${since}`, { headers: CONSOLE_HEADERS });
      if (!response.ok) throw await restError(response);
      const lines = (await response.text()).split('\n').filter((line) => line.trim() !== '');
      const kept = lines.filter((line) => matches(filter, JSON.parse(line)));
      const blob = new Blob(kept.map((line) => `${line}\n`), { type: 'application/x-ndjson' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `audit-${new Date().toISOString().replaceAll(':', '-').slice(0, 19)}.ndjson`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setDone(`Exported ${kept.length} event${kept.length === 1 ? '' : 's'}.`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }, [filter]);
  return (
    <div className="audit-export">
      <button type="button" onClick={() => void run()} disabled={busy}>
        {busy ? 'Exporting…' : 'Export these events (NDJSON)'}
      </button>
      <span role="status" className="muted">
        {done}
      </span>
      <ErrorNotice error={error} />
    </div>
  );
}

/** A REST error body (`{ error: { code, message, requestId } }`) as the SDK's error, for ErrorNotice. */
async function restError(response: Response): Promise<KeywardenError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; requestId?: string; missingScopes?: string[] } } | null;
  const details = { message: body?.error?.message ?? `HTTP ${response.status}`, requestId: body?.error?.requestId, status: response.status };
  if (response.status === 403) return new ForbiddenError({ ...details, missingScopes: body?.error?.missingScopes ?? [] });
  return new KeywardenError((body?.error?.code ?? 'BAD_REQUEST') as KeywardenError['code'], details);
}

const ACTOR_TYPE_WORDS: Record<string, string> = {
  MEMBER: 'Member',
  API_KEY: 'API key',
  ACCESS_TOKEN: 'Access token',
  PLATFORM: 'Platform operator',
  SYSTEM: 'System',
};

function actorInWords(event: AuditEvent, me: string): string {
  if (event.actorType === 'MEMBER' && event.actorId === me) return 'you';
  if (event.actorType === 'SYSTEM') return event.actorId ? `the system (${event.actorId})` : 'the system';
  if (event.actorType === 'PLATFORM') return 'the platform operator';
  const id = event.actorType === 'API_KEY' ? (event.actorPublicId ?? event.actorId) : event.actorId;
  return `${(ACTOR_TYPE_WORDS[event.actorType] ?? event.actorType).toLowerCase()} ${id ?? ''}`.trim();
}

function EventTable({ events, fresh, me }: { events: AuditEvent[]; fresh: Set<string>; me: string }) {
  if (events.length === 0) return null;
  return (
    <table className="audit-table">
      <caption className="visually-hidden">Audit events, newest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">What</th>
          <th scope="col">On what</th>
          <th scope="col">From where</th>
          <th scope="col">Changes</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => {
          const changes = changesInWords(event.changes);
          return (
            <tr key={event.id} className={fresh.has(event.id) ? 'audit-new' : undefined} data-event-id={event.id}>
              <td>
                <time dateTime={new Date(event.createdAt).toISOString()}>{new Date(event.createdAt).toLocaleString()}</time>
                {fresh.has(event.id) && <span className="audit-badge"> new</span>}
              </td>
              <td>{actorInWords(event, me)}</td>
              <td>
                {actionInWords(event.action)} <code className="muted">{event.action}</code>
              </td>
              <td>
                {event.targetId ? (
                  event.targetType === 'ApiKey' ? (
                    <Link to={`/keys/${event.targetId}`}>
                      {event.targetType} {event.targetId}
                    </Link>
                  ) : (
                    `${event.targetType ?? ''} ${event.targetId}`
                  )
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                {event.ip ?? <span className="muted">unknown address</span>}
                {event.userAgent && <div className="muted audit-agent">{event.userAgent}</div>}
              </td>
              <td>
                {changes.length > 0 ? (
                  <ul className="audit-changes">
                    {changes.map((line, index) => (
                      <li key={index}>{line}</li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
