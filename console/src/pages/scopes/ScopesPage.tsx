import { ConflictError, asId } from '@keywarden/sdk';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { kw } from '../../api.ts';
import { explainError } from '../../errors.ts';
import { graphql } from '../../gql/index.ts';
import type { OrgScopesQuery } from '../../gql/graphql.ts';
import { useTitle } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import type { PageProps } from '../index.ts';
import { FieldMessage, invalidProps } from '../settings/fields.tsx';

const OrgScopes = graphql(`
  query OrgScopes($after: String) {
    scopes(first: 100, after: $after) {
      edges { node { id name description createdAt } }
      pageInfo { hasNextPage endCursor }
    }
    managementScopes { name description }
  }
`);

type Scope = OrgScopesQuery['scopes']['edges'][number]['node'];

export function ScopesPage(_props: PageProps) {
  useTitle('Scopes');
  const { can } = useSession();
  const mayChange = can('scopes:write');
  const [data, setData] = useState<{ scopes: Scope[]; more: string | null; management: OrgScopesQuery['managementScopes'] } | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Scope | null>(null);
  const [deleting, setDeleting] = useState<Scope | null>(null);

  const load = useCallback(async (after?: string) => {
    try {
      const result = await kw.request(OrgScopes, { after: after ?? null });
      const page = result.scopes.edges.map((edge) => edge.node);
      setData((previous) => ({
        scopes: after && previous ? [...previous.scopes, ...page] : page,
        more: result.scopes.pageInfo.hasNextPage ? (result.scopes.pageInfo.endCursor ?? null) : null,
        management: result.managementScopes,
      }));
      setLoadError(null);
    } catch (caught) {
      setLoadError(caught);
    }
  }, []);
  useEffect(() => void load(), [load]);

  return (
    <main>
      <h1>Scopes</h1>
      <p className="muted">
        The scopes of your own APIs (<code>resource:action</code>): keys, roles and groups are given them, and your resource servers ask for them at
        /v1/verify.
      </p>
      <ErrorNotice error={loadError} />
      {mayChange ? <NewScope onCreated={() => load()} /> : <p className="muted">Your role does not hold scopes:write: you can read the catalogue but not change it.</p>}
      <section aria-labelledby="catalogue-heading">
        <h2 id="catalogue-heading">Your scopes</h2>
        {data === null && loadError === null && <p role="status">Loading…</p>}
        {data && data.scopes.length === 0 && <p>The catalogue is empty: add the first scope above.</p>}
        {data && data.scopes.length > 0 && (
          <table aria-label="Your scopes">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Added</th>
                {mayChange && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {data.scopes.map((scope) => (
                <tr key={scope.id}>
                  <td>
                    <code>{scope.name}</code>
                  </td>
                  <td>{scope.description}</td>
                  <td>{new Date(scope.createdAt).toLocaleDateString()}</td>
                  {mayChange && (
                    <td className="row-actions">
                      <button type="button" onClick={() => setEditing(scope)} aria-label={`Edit ${scope.name}`}>
                        Edit
                      </button>
                      <button type="button" onClick={() => setDeleting(scope)} aria-label={`Delete ${scope.name}`}>
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data?.more && (
          <button type="button" onClick={() => void load(data.more!)}>
            Show more scopes
          </button>
        )}
      </section>
      <section aria-labelledby="management-heading">
        <h2 id="management-heading">Management scopes</h2>
        <p className="muted">These guard Keywarden's own API. They are the same in every tenant and cannot be changed; roles and keys can be given them.</p>
        {data && (
          <table aria-label="Management scopes">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">What it allows</th>
              </tr>
            </thead>
            <tbody>
              {data.management.map((scope) => (
                <tr key={scope.name}>
                  <td>
                    <code>{scope.name}</code>
                  </td>
                  <td>{scope.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <EditScope scope={editing} onClose={() => setEditing(null)} onSaved={() => load()} />
      <DeleteScope scope={deleting} onClose={() => setDeleting(null)} onDeleted={() => load()} />
    </main>
  );
}

function NewScope({ onCreated }: { onCreated: () => Promise<void> }) {
  const id = useId();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const fields = error ? explainError(error).fields : {};
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const scope = await kw.scopes.create({ name, description });
      setName('');
      setDescription('');
      setCreated(scope.name);
      await onCreated();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Add a scope</h2>
      <form className="toolbar" onSubmit={submit} aria-label="Add a scope" noValidate>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="invoices:read" required {...invalidProps(`${id}-name`, fields.name)} />
        </label>
        <label className="grow">
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} {...invalidProps(`${id}-description`, fields.description)} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add scope'}
        </button>
      </form>
      <FieldMessage id={`${id}-name`} message={fields.name} />
      <FieldMessage id={`${id}-description`} message={fields.description} />
      <ErrorNotice error={error} />
      <p role="status" className="saved">
        {created ? `Scope ${created} added.` : ''}
      </p>
    </section>
  );
}

function EditScope({ scope, onClose, onSaved }: { scope: Scope | null; onClose: () => void; onSaved: () => Promise<void> }) {
  const id = useId();
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setDescription(scope?.description ?? '');
    setError(null);
  }, [scope]);
  const fields = error ? explainError(error).fields : {};
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await kw.scopes.update({ id: asId('scp', scope!.id), description });
      await onSaved();
      onClose();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Edit ${scope?.name ?? 'scope'}`} open={scope !== null} onClose={onClose}>
      <form onSubmit={submit} aria-label="Edit the scope" noValidate>
        <p className="muted">The name cannot change: keys, roles and groups refer to it.</p>
        <label>
          Description
          <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} {...invalidProps(`${id}-description`, fields.description)} />
          <FieldMessage id={`${id}-description`} message={fields.description} />
        </label>
        <ErrorNotice error={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The API refuses while keys, roles or groups name the scope; then it offers to remove it from them too. */
function DeleteScope({ scope, onClose, onDeleted }: { scope: Scope | null; onClose: () => void; onDeleted: () => Promise<void> }) {
  const [cascade, setCascade] = useState(false);
  const [inUse, setInUse] = useState(false);
  useEffect(() => {
    setCascade(false);
    setInUse(false);
  }, [scope]);
  return (
    <ConfirmDialog
      title={`Delete ${scope?.name ?? 'scope'}?`}
      open={scope !== null}
      onClose={onClose}
      confirmLabel="Delete scope"
      danger
      onConfirm={async () => {
        try {
          await kw.scopes.delete({ id: asId('scp', scope!.id), cascade });
        } catch (caught) {
          if (caught instanceof ConflictError) setInUse(true);
          throw caught;
        }
        await onDeleted();
      }}
    >
      <p>
        <code>{scope?.name}</code> leaves the catalogue: new keys, roles and groups can no longer be given it.
      </p>
      <p>Keywarden refuses while keys, roles or groups still name it, unless you also remove it from them.</p>
      <label className="inline">
        <input type="checkbox" checked={cascade} onChange={(e) => setCascade(e.target.checked)} />
        Also remove it from every key, role and group that names it{inUse ? ' (they do now)' : ''}
      </label>
    </ConfirmDialog>
  );
}
