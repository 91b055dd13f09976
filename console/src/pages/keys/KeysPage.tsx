import { useCallback, useEffect, useState } from 'react';
import { kw } from '../../api.ts';
import { graphql } from '../../gql/index.ts';
import type { ConsoleKeysQuery } from '../../gql/graphql.ts';
import { Link, useTitle } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import type { PageProps } from '../index.ts';
import { CreateKeyDialog } from './CreateKeyDialog.tsx';

const ConsoleKeys = graphql(`
  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {
    apiKeys(first: $first, after: $after, filter: $filter) {
      edges { node { id name publicId status expiresAt lastUsedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const PAGE_SIZE = 50;

export function KeysPage({ query }: PageProps) {
  useTitle('API keys');
  const search = query.get('search') ?? '';
  const [data, setData] = useState<ConsoleKeysQuery | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const { can } = useSession();
  const load = useCallback(async () => {
    try {
      setData(await kw.request(ConsoleKeys, { first: PAGE_SIZE, filter: search ? { search } : null }));
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, [search]);
  useEffect(() => void load(), [load]);
  return (
    <main>
      <h1>API keys</h1>
      {can('keys:write') && (
        <div className="toolbar">
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create key
          </button>
        </div>
      )}
      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} onCreated={() => void load()} />
      <ErrorNotice error={error} />
      {data && (
        <table>
          <caption className="visually-hidden">The tenant's API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {data.apiKeys.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>
                  <Link to={`/keys/${node.id}`}>{node.name}</Link>
                </td>
                <td>
                  <code>{node.publicId}</code>
                </td>
                <td>{node.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
