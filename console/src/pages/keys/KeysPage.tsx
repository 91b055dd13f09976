import { useCallback, useEffect, useRef, useState } from 'react';
import { kw } from '../../api.ts';
import { graphql } from '../../gql/index.ts';
import type { ConsoleKeysQuery } from '../../gql/graphql.ts';
import { Link, navigate, useTitle } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import type { PageProps } from '../index.ts';
import { CreateKeyDialog } from './CreateKeyDialog.tsx';
import { KeyBulkActions, type Outcome, type SelectedKey } from './KeyBulkActions.tsx';
import { KeyFilters, statusLabel } from './KeyFilters.tsx';
import { filterOf, hasFilter, keysHref, pageArgs } from './keyListQuery.ts';

// The tenant's keys, 50 at a time. Pages are cursors on the key id (the API's connection): no
// count and no offset, so the 2,000th page costs what the first does at 100,000 keys.

const ConsoleKeys = graphql(`
  query ConsoleKeys($first: Int, $after: String, $last: Int, $before: String, $filter: ApiKeyFilter) {
    apiKeys(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      edges {
        node {
          id name publicId maskedKey status expiresAt lastUsedAt
          group { id name }
          owner { id name email }
        }
      }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

type KeyRow = ConsoleKeysQuery['apiKeys']['edges'][number]['node'];

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function Time({ value, none }: { value: Date | string | null | undefined; none: string }) {
  if (value == null) return <span className="muted">{none}</span>;
  const date = new Date(value);
  return <time dateTime={date.toISOString()}>{when.format(date)}</time>;
}

export function KeysPage({ query }: PageProps) {
  useTitle('API keys');
  const { can } = useSession();
  const writer = can('keys:write');
  const queryText = query.toString();
  const [data, setData] = useState<ConsoleKeysQuery | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<Map<string, SelectedKey>>(() => new Map());
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [creating, setCreating] = useState(false);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const params = new URLSearchParams(queryText);
    // Only the answer to the newest request is shown (filters change faster than answers come).
    const ask = ++latest.current;
    setLoading(true);
    try {
      const result = await kw.request(ConsoleKeys, { ...pageArgs(params), filter: filterOf(params) });
      if (ask !== latest.current) return;
      setData(result);
      setError(null);
    } catch (caught) {
      if (ask !== latest.current) return;
      setData(null);
      setError(caught);
    } finally {
      if (ask === latest.current) setLoading(false);
    }
  }, [queryText]);
  useEffect(() => void load(), [load]);

  // Another view (other filters) means another selection.
  const filterText = new URLSearchParams([...query].filter(([name]) => name !== 'after' && name !== 'before')).toString();
  useEffect(() => {
    setSelected(new Map());
    setOutcome(null);
  }, [filterText]);

  const rows: KeyRow[] = data?.apiKeys.edges.map((edge) => edge.node) ?? [];
  const pageInfo = data?.apiKeys.pageInfo;
  const toggle = (row: KeyRow, on: boolean) =>
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(row.id, { id: row.id, name: row.name, status: row.status });
      else next.delete(row.id);
      return next;
    });
  const allOnPage = rows.length > 0 && rows.every((row) => selected.has(row.id));
  const toggleAll = (on: boolean) =>
    setSelected((current) => {
      const next = new Map(current);
      for (const row of rows) {
        if (on) next.set(row.id, { id: row.id, name: row.name, status: row.status });
        else next.delete(row.id);
      }
      return next;
    });
  const done = (result: Outcome) => {
    setOutcome(result);
    setSelected(new Map());
    void load();
  };

  const cursor = query.get('after') ?? query.get('before');
  const filtered = hasFilter(query);

  return (
    <main className="keys-page">
      <div className="page-head">
        <h1>API keys</h1>
        {writer && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create key
          </button>
        )}
      </div>
      <KeyFilters query={query} />

      {outcome && (
        <div className="notice" role="status">
          <p>{outcome.summary}</p>
          {outcome.notChanged.length > 0 && (
            <>
              <p>Not changed:</p>
              <ul>
                {outcome.notChanged.map((item, i) => (
                  <li key={i}>
                    <strong>{item.name}</strong>: {item.why}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {error !== null && (
        <>
          <ErrorNotice error={error} />
          {cursor && (
            <p>
              <Link to={keysHref(query, { after: null, before: null })}>Go to the first page</Link>
            </p>
          )}
        </>
      )}

      {writer && rows.length > 0 && <KeyBulkActions selected={[...selected.values()]} onClear={() => setSelected(new Map())} onDone={done} />}

      <p className="muted key-loading" role="status">
        {loading ? 'Loading keys…' : ''}
      </p>

      {data && rows.length === 0 && (
        <div className="empty">
          {filtered ? (
            <>
              <p>No keys match this search and these filters.</p>
              <button type="button" onClick={() => navigate('/keys', { replace: true })}>
                Clear filters
              </button>
            </>
          ) : cursor ? (
            <p>
              No keys on this page. <Link to="/keys">Go to the first page.</Link>
            </p>
          ) : (
            <>
              <p>This tenant has no API keys yet.</p>
              {writer && (
                <button type="button" className="primary" onClick={() => setCreating(true)}>
                  Create the first key
                </button>
              )}
            </>
          )}
        </div>
      )}

      {rows.length > 0 && (
        <table className="keys-table" aria-busy={loading}>
          <caption className="visually-hidden">The tenant's API keys{filtered ? ' matching the filters' : ''}</caption>
          <thead>
            <tr>
              {writer && (
                <th scope="col" className="select-cell">
                  <input type="checkbox" aria-label="Select every key on this page" checked={allOnPage} onChange={(event) => toggleAll(event.target.checked)} />
                </th>
              )}
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Group</th>
              <th scope="col">Owner</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                {writer && (
                  <td className="select-cell">
                    <input type="checkbox" aria-label={`Select ${row.name}`} checked={selected.has(row.id)} onChange={(event) => toggle(row, event.target.checked)} />
                  </td>
                )}
                <td>
                  <Link to={`/keys/${row.id}`}>{row.name}</Link>
                </td>
                <td>
                  <code>{row.maskedKey}</code>
                  <br />
                  <code className="muted">{row.publicId}</code>
                </td>
                <td>{row.group?.name ?? <span className="muted">None</span>}</td>
                <td>{row.owner.name}</td>
                <td>
                  <span className={`status status-${row.status.toLowerCase()}`}>{statusLabel(row.status)}</span>
                </td>
                <td>
                  <Time value={row.expiresAt} none="Never" />
                </td>
                <td>
                  <Time value={row.lastUsedAt} none="Never" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {pageInfo && (pageInfo.hasPreviousPage || pageInfo.hasNextPage) && (
        <nav className="pager" aria-label="Pages of keys">
          <button type="button" disabled={!pageInfo.hasPreviousPage || !pageInfo.startCursor} onClick={() => navigate(keysHref(query, { before: pageInfo.startCursor, after: null }))}>
            Previous
          </button>
          <button type="button" disabled={!pageInfo.hasNextPage || !pageInfo.endCursor} onClick={() => navigate(keysHref(query, { after: pageInfo.endCursor, before: null }))}>
            Next
          </button>
        </nav>
      )}

      <CreateKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setOutcome(null);
          void load();
        }}
      />
    </main>
  );
}
