import { asId } from '@keywarden/sdk';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { kw } from '../../api.ts';
import { explainError } from '../../errors.ts';
import { graphql } from '../../gql/index.ts';
import type { ConsoleRolesQuery } from '../../gql/graphql.ts';
import { useTitle } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import type { PageProps } from '../index.ts';

const ConsoleRoles = graphql(`
  query ConsoleRoles {
    roles(first: 100) { edges { node { id name description builtIn scopes memberCount } } }
    managementScopes { name description }
    scopes(first: 100) { edges { node { id name description } } }
  }
`);

type Role = ConsoleRolesQuery['roles']['edges'][number]['node'];

/** Roles and the scopes they grant: built-in roles are read-only; custom ones can be made, changed, deleted. */
export function RolesPage(_props: PageProps) {
  useTitle('Roles');
  const { can } = useSession();
  const [data, setData] = useState<ConsoleRolesQuery | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);
  const [notice, setNotice] = useState('');
  const load = useCallback(async () => {
    try {
      setData(await kw.request(ConsoleRoles, {}));
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, []);
  useEffect(() => void load(), [load]);
  const roles = data?.roles.edges.map((e) => e.node) ?? [];
  const scopeChoices = [
    ...(data?.managementScopes.map((s) => ({ name: s.name, description: s.description, group: 'Management API' })) ?? []),
    ...(data?.scopes.edges.map(({ node }) => ({ name: node.name, description: node.description ?? '', group: 'Your API (scope catalogue)' })) ?? []),
  ];
  const done = async (message: string) => {
    setNotice(message);
    await load();
  };

  return (
    <main>
      <h1>Roles</h1>
      <p className="muted">A member holds one role; its scopes decide what they may do in the management API. Built-in roles cannot be changed.</p>
      {can('roles:write') && (
        <div className="toolbar">
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            Create role
          </button>
        </div>
      )}
      <p role="status" className="notice-line">
        {notice}
      </p>
      <ErrorNotice error={error} />
      {data && (
        <table>
          <caption className="visually-hidden">The tenant's roles</caption>
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Scopes</th>
              <th scope="col">Members</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {roles.map((role) => (
              <tr key={role.id}>
                <td>
                  <strong>{role.name}</strong>
                  {role.builtIn && <span className="muted"> (built in)</span>}
                  {role.description && <div className="muted">{role.description}</div>}
                </td>
                <td>{role.scopes.includes('*') ? 'Every scope' : role.scopes.join(', ') || 'None'}</td>
                <td>{role.memberCount}</td>
                <td className="row-actions">
                  {!role.builtIn && (
                    <>
                      <button type="button" onClick={() => setEditing(role)} aria-label={`Change ${role.name}`}>
                        Change
                      </button>
                      <button type="button" onClick={() => setDeleting(role)} aria-label={`Delete ${role.name}`}>
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <RoleDialog
        role={editing === 'new' ? null : editing}
        open={editing !== null}
        scopeChoices={scopeChoices}
        onClose={() => setEditing(null)}
        onSave={async (values) => {
          if (editing === 'new') {
            const role = await kw.roles.create(values);
            await done(`The role ${role.name} was created.`);
          } else {
            const role = await kw.roles.update({ id: asId('rol', editing!.id), ...values });
            await done(`The role ${role.name} was changed.`);
          }
          setEditing(null);
        }}
      />
      {deleting && (
        <DeleteRoleDialog
          role={deleting}
          others={roles.filter((r) => r.id !== deleting.id)}
          onClose={() => setDeleting(null)}
          onDeleted={() => done(`The role ${deleting.name} was deleted.`)}
        />
      )}
    </main>
  );
}

interface RoleValues {
  name: string;
  description: string;
  scopes: string[];
}

function RoleDialog({ role, open, scopeChoices, onClose, onSave }: { role: Role | null; open: boolean; scopeChoices: { name: string; description: string; group: string }[]; onClose: () => void; onSave: (values: RoleValues) => Promise<void> }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fields = error ? explainError(error).fields : {};
  const close = () => {
    setError(null);
    onClose();
  };
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await onSave({ name: String(form.get('name')), description: String(form.get('description') ?? ''), scopes: form.getAll('scopes').map(String) });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const groups = [...new Set(scopeChoices.map((s) => s.group))];
  const title = role ? `Change the role ${role.name}` : 'Create a role';
  return (
    <Dialog title={title} open={open} onClose={close}>
      <form onSubmit={submit} aria-label={title} noValidate>
        <label>
          Name
          <input name="name" required defaultValue={role?.name} aria-invalid={fields.name ? true : undefined} aria-describedby={fields.name ? 'role-name-error' : undefined} />
          {fields.name && <span id="role-name-error" className="field-error">{fields.name}</span>}
        </label>
        <label>
          Description
          <input name="description" defaultValue={role?.description} />
        </label>
        {groups.map((group) => (
          <fieldset key={group} className="scope-choices">
            <legend>{group}</legend>
            {scopeChoices
              .filter((s) => s.group === group)
              .map((scope) => (
                <label className="inline" key={scope.name}>
                  <input type="checkbox" name="scopes" value={scope.name} defaultChecked={role?.scopes.includes(scope.name)} />
                  <code>{scope.name}</code> <span className="muted">{scope.description}</span>
                </label>
              ))}
          </fieldset>
        ))}
        {fields.scopes && <p className="field-error">{fields.scopes}</p>}
        <ErrorNotice error={error} />
        <div className="actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : role ? 'Save' : 'Create role'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteRoleDialog({ role, others, onClose, onDeleted }: { role: Role; others: Role[]; onClose: () => void; onDeleted: () => Promise<void> }) {
  const [reassignTo, setReassignTo] = useState(others.find((r) => r.builtIn === 'VIEWER')?.id ?? others[0]?.id ?? '');
  return (
    <ConfirmDialog
      open
      title={`Delete the role ${role.name}?`}
      confirmLabel="Delete role"
      danger
      onClose={onClose}
      onConfirm={async () => {
        await kw.roles.delete({ id: asId('rol', role.id), ...(role.memberCount > 0 ? { reassignTo: asId('rol', reassignTo) } : {}) });
        await onDeleted();
      }}
    >
      {role.memberCount > 0 ? (
        <>
          <p>
            {role.memberCount} member(s) hold this role. They move to the role you choose, and get its scopes at once.
          </p>
          <label>
            Move its members to
            <select value={reassignTo} onChange={(event) => setReassignTo(event.target.value)}>
              {others.map((other) => (
                <option key={other.id} value={other.id}>
                  {other.name}
                </option>
              ))}
            </select>
          </label>
        </>
      ) : (
        <p>No member holds this role. It is removed for good.</p>
      )}
    </ConfirmDialog>
  );
}
