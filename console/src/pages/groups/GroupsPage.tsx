import { useCallback, useEffect, useState } from 'react';
import { kw } from '../../api.ts';
import { graphql } from '../../gql/index.ts';
import type { OrgGroupsQuery } from '../../gql/graphql.ts';
import { Link, useTitle } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import type { PageProps } from '../index.ts';
import { formatSeconds } from '../settings/fields.tsx';
import { DeleteGroupDialog } from './DeleteGroupDialog.tsx';
import { GroupDialog } from './GroupDialog.tsx';

const OrgGroups = graphql(`
  query OrgGroups($after: String, $filter: GroupFilter) {
    groups(first: 50, after: $after, filter: $filter) {
      edges {
        node {
          id name description keyCount defaultScopes limitsScopes scopeLimit defaultExpirySeconds tokenTtlSeconds updatedAt
          ipRules { id action cidr description }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

// Apart from the groups: a role may read groups without the scope catalogue.
const OrgGroupScopeChoices = graphql(`
  query OrgGroupScopeChoices {
    scopes(first: 100) { edges { node { name } } }
    managementScopes { name }
  }
`);

export type Group = OrgGroupsQuery['groups']['edges'][number]['node'];

export function GroupsPage(_props: PageProps) {
  useTitle('Key groups');
  const { can } = useSession();
  const mayChange = can('groups:write');
  const [search, setSearch] = useState('');
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [more, setMore] = useState<string | null>(null);
  const [catalogue, setCatalogue] = useState<{ resource: string[]; management: string[] }>({ resource: [], management: [] });
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Group | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Group | null>(null);

  const load = useCallback(
    async (after?: string) => {
      try {
        const result = await kw.request(OrgGroups, { after: after ?? null, filter: search.trim() ? { search: search.trim() } : null });
        const page = result.groups.edges.map((edge) => edge.node);
        setGroups((previous) => (after && previous ? [...previous, ...page] : page));
        setMore(result.groups.pageInfo.hasNextPage ? (result.groups.pageInfo.endCursor ?? null) : null);
        setLoadError(null);
      } catch (caught) {
        setLoadError(caught);
      }
    },
    [search],
  );
  useEffect(() => void load(), [load]);
  useEffect(() => {
    kw.request(OrgGroupScopeChoices, {}).then(
      (result) => setCatalogue({ resource: result.scopes.edges.map((e) => e.node.name), management: result.managementScopes.map((s) => s.name) }),
      () => undefined,
    );
  }, [editing]);

  return (
    <main>
      <h1>Key groups</h1>
      <p className="muted">
        A group gives its keys default scopes, an optional scope limit, IP rules and default lifetimes. Changing a group applies to its keys at once.
      </p>
      <div className="toolbar">
        <label>
          Search groups
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        {mayChange && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New group
          </button>
        )}
      </div>
      {!mayChange && <p className="muted">Your role does not hold groups:write: you can look at the groups but not change them.</p>}
      <ErrorNotice error={loadError} />
      {groups === null && loadError === null && <p role="status">Loading…</p>}
      {groups && groups.length === 0 && <p>{search ? 'No group matches.' : 'No groups yet.'}</p>}
      {groups && groups.length > 0 && (
        <table aria-label="Key groups">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Keys</th>
              <th scope="col">Default scopes</th>
              <th scope="col">Scope limit</th>
              <th scope="col">Default key lifetime</th>
              <th scope="col">Token lifetime</th>
              <th scope="col">IP rules</th>
              {mayChange && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr key={group.id}>
                <td>
                  <strong>{group.name}</strong>
                  {group.description && <div className="muted">{group.description}</div>}
                </td>
                <td>
                  <Link to={`/keys?group=${encodeURIComponent(group.id)}`} aria-label={`${group.keyCount} ${group.keyCount === 1 ? 'key' : 'keys'} in ${group.name}`}>
                    {group.keyCount} {group.keyCount === 1 ? 'key' : 'keys'}
                  </Link>
                </td>
                <td>{scopeList(group.defaultScopes)}</td>
                <td>{group.limitsScopes ? scopeList(group.scopeLimit, 'none allowed') : 'no limit'}</td>
                <td>{formatSeconds(group.defaultExpirySeconds, "the tenant's")}</td>
                <td>{formatSeconds(group.tokenTtlSeconds, "the tenant's default")}</td>
                <td>
                  {group.ipRules.length === 0
                    ? 'none'
                    : group.ipRules.map((rule) => (
                        <div key={rule.id}>
                          {rule.action === 'ALLOW' ? 'allow' : 'deny'} <code>{rule.cidr}</code>
                        </div>
                      ))}
                </td>
                {mayChange && (
                  <td className="row-actions">
                    <button type="button" onClick={() => setEditing(group)} aria-label={`Edit ${group.name}`}>
                      Edit
                    </button>
                    <button type="button" onClick={() => setDeleting(group)} aria-label={`Delete ${group.name}`}>
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && (
        <button type="button" onClick={() => void load(more)}>
          Show more groups
        </button>
      )}
      <GroupDialog group={editing} catalogue={catalogue} onClose={() => setEditing(null)} onSaved={() => load()} />
      <DeleteGroupDialog group={deleting} groups={groups ?? []} onClose={() => setDeleting(null)} onDeleted={() => load()} />
    </main>
  );
}

function scopeList(scopes: readonly string[], none = 'none') {
  if (scopes.length === 0) return <span className="muted">{none}</span>;
  return scopes.map((scope) => (
    <div key={scope}>
      <code>{scope}</code>
    </div>
  ));
}
