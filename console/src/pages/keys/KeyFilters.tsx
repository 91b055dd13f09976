import { useEffect, useId, useState, type FormEvent } from 'react';
import { kw } from '../../api.ts';
import { graphql } from '../../gql/index.ts';
import { navigate } from '../../router.tsx';
import { EXPIRING_DAYS, STATUSES, firstPageHref, hasFilter, type FilterParam } from './keyListQuery.ts';

// The keys list's search and filters. Each change rewrites the URL (replace: a filtered view is a
// link, not a history entry per keystroke) and the list follows the URL.

const KeyFilterGroups = graphql(`
  query KeyFilterGroups { groups(first: 100) { edges { node { id name } } } }
`);
const KeyFilterOwners = graphql(`
  query KeyFilterOwners { members(first: 100) { edges { node { id name email } } } }
`);
const KeyFilterScopes = graphql(`
  query KeyFilterScopes { scopes(first: 100) { edges { node { id name } } } }
`);

interface Option {
  value: string;
  label: string;
}

/** The choices of a select, loaded once; null while loading or when the caller may not read them. */
function useOptions(load: () => Promise<Option[]>): Option[] | null {
  const [options, setOptions] = useState<Option[] | null>(null);
  useEffect(() => {
    let live = true;
    load().then(
      (loaded) => live && setOptions(loaded),
      // Without e.g. members:read the owner filter offers only what the URL names: the list
      // itself still answers (or refuses) on its own.
      () => live && setOptions([]),
    );
    return () => {
      live = false;
    };
  }, [load]);
  return options;
}

const loadGroups = async () => (await kw.request(KeyFilterGroups, {})).groups.edges.map(({ node }) => ({ value: node.id, label: node.name }));
const loadOwners = async () => (await kw.request(KeyFilterOwners, {})).members.edges.map(({ node }) => ({ value: node.id, label: `${node.name} (${node.email})` }));
const loadScopes = async () => (await kw.request(KeyFilterScopes, {})).scopes.edges.map(({ node }) => ({ value: node.name, label: node.name }));

const SEARCH_PAUSE_MS = 350;

export function KeyFilters({ query }: { query: URLSearchParams }) {
  const groups = useOptions(loadGroups);
  const owners = useOptions(loadOwners);
  const scopes = useOptions(loadScopes);
  const urlSearch = query.get('search') ?? '';
  const [search, setSearch] = useState(urlSearch);
  // The URL changed from outside (Clear filters, Back): the box shows it.
  useEffect(() => setSearch(urlSearch), [urlSearch]);
  // Typing searches after a short pause; Enter searches at once.
  const queryText = query.toString();
  useEffect(() => {
    if (search === urlSearch) return;
    const timer = setTimeout(() => navigate(firstPageHref(new URLSearchParams(queryText), { search }), { replace: true }), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [search, urlSearch, queryText]);

  // Labels by id rather than wrapping: a wrapping label's name would include the chosen option.
  const idBase = useId();
  const set = (name: FilterParam, value: string) => navigate(firstPageHref(query, { [name]: value }), { replace: true });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(firstPageHref(query, { search }), { replace: true });
  };
  const select = (name: FilterParam, label: string, options: Option[] | null, any: string) => {
    const value = query.get(name) ?? '';
    // A value named by a link but not among the loaded choices stays selectable (and the API says
    // whether it exists).
    const shown = options && value && !options.some((o) => o.value === value) ? [...options, { value, label: value }] : (options ?? (value ? [{ value, label: value }] : []));
    return (
      <div className="field">
        <label htmlFor={`${idBase}-${name}`}>{label}</label>
        <select id={`${idBase}-${name}`} value={value} onChange={(event) => set(name, event.target.value)}>
          <option value="">{any}</option>
          {shown.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
    );
  };

  return (
    <form className="toolbar key-filters" role="search" aria-label="Search and filter keys" onSubmit={submit}>
      <div className="field key-search">
        <label htmlFor={`${idBase}-search`}>Search</label>
        <input id={`${idBase}-search`} type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="Name, description or public id" />
      </div>
      {select('status', 'Status', STATUSES.map((s) => ({ value: s, label: statusLabel(s) })), 'Any status')}
      {select('group', 'Group', groups, 'Any group')}
      {select('owner', 'Owner', owners, 'Any owner')}
      {select('expiring', 'Expires', EXPIRING_DAYS.map((d) => ({ value: d, label: `Within ${d} days (or expired)` })), 'Any time')}
      {select('scope', 'Scope', scopes, 'Any scope')}
      <button type="submit">Search</button>
      {hasFilter(query) && (
        <button type="button" onClick={() => navigate('/keys', { replace: true })}>
          Clear filters
        </button>
      )}
    </form>
  );
}

export function statusLabel(status: string): string {
  return status.charAt(0) + status.slice(1).toLowerCase();
}
