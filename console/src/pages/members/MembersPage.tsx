import { asId, type Member } from '@keywarden/sdk';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { kw } from '../../api.ts';
import { explainError } from '../../errors.ts';
import { graphql } from '../../gql/index.ts';
import type { ConsoleMembersQuery } from '../../gql/graphql.ts';
import { Link, navigate, useTitle } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import type { PageProps } from '../index.ts';

const ConsoleMembers = graphql(`
  query ConsoleMembers($first: Int!, $after: String, $search: String) {
    members(first: $first, after: $after, filter: { search: $search }) {
      edges { node { id name email status hasPassword apiKeyCount createdAt role { id name } } }
      pageInfo { hasNextPage endCursor }
    }
    roles(first: 100) { edges { node { id name builtIn } } }
  }
`);

type Row = ConsoleMembersQuery['members']['edges'][number]['node'];
type RoleOption = ConsoleMembersQuery['roles']['edges'][number]['node'];

const PAGE_SIZE = 50;

/** The tenant's members: add, change role, deactivate or reactivate, delete. */
export function MembersPage({ query }: PageProps) {
  useTitle('Members');
  const { who, can } = useSession();
  const search = query.get('search') ?? '';
  const [after, setAfter] = useState<string[]>([]);
  const [data, setData] = useState<ConsoleMembersQuery | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Row | null>(null);
  const [confirming, setConfirming] = useState<{ row: Row; action: 'deactivate' | 'reactivate' | 'delete' } | null>(null);
  const [notice, setNotice] = useState('');

  const cursor = after[after.length - 1] ?? null;
  const load = useCallback(async () => {
    try {
      setData(await kw.request(ConsoleMembers, { first: PAGE_SIZE, after: cursor, search: search || null }));
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, [cursor, search]);
  useEffect(() => void load(), [load]);

  const roles = data?.roles.edges.map((e) => e.node) ?? [];
  const done = async (message: string) => {
    setNotice(message);
    await load();
  };

  return (
    <main>
      <h1>Members</h1>
      <div className="toolbar">
        <form
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            const value = String(new FormData(event.currentTarget).get('search') ?? '');
            setAfter([]);
            navigate(value ? `/members?search=${encodeURIComponent(value)}` : '/members', { replace: true });
          }}
        >
          <label>
            Search by name or email
            <input name="search" type="search" defaultValue={search} />
          </label>
        </form>
        {can('members:write') && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add member
          </button>
        )}
      </div>
      <p role="status" className="notice-line">
        {notice}
      </p>
      <ErrorNotice error={error} />
      {data && (
        <table>
          <caption className="visually-hidden">The tenant's members</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">API keys</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.members.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>
                  {node.name}
                  {node.id === who.me.id && <span className="muted"> (you)</span>}
                </td>
                <td>{node.email}</td>
                <td>{node.role.name}</td>
                <td>{node.status === 'ACTIVE' ? (node.hasPassword ? 'Active' : 'Active, no password yet') : 'Deactivated'}</td>
                <td>{node.apiKeyCount > 0 ? <Link to={`/keys?owner=${node.id}`}>{node.apiKeyCount}</Link> : 0}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => setEditing(node)} aria-label={`Change ${node.name}`}>
                    Change
                  </button>
                  {node.status === 'ACTIVE' ? (
                    <button type="button" onClick={() => setConfirming({ row: node, action: 'deactivate' })} aria-label={`Deactivate ${node.name}`}>
                      Deactivate
                    </button>
                  ) : (
                    <button type="button" onClick={() => setConfirming({ row: node, action: 'reactivate' })} aria-label={`Reactivate ${node.name}`}>
                      Reactivate
                    </button>
                  )}
                  <button type="button" onClick={() => setConfirming({ row: node, action: 'delete' })} aria-label={`Delete ${node.name}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {data.members.edges.length === 0 && (
              <tr>
                <td colSpan={6}>No member matches.</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={after.length === 0} onClick={() => setAfter(after.slice(0, -1))}>
          Previous
        </button>
        <button type="button" disabled={!data?.members.pageInfo.hasNextPage} onClick={() => setAfter([...after, data!.members.pageInfo.endCursor!])}>
          Next
        </button>
      </nav>

      <MemberDialog
        title="Add a member"
        open={adding}
        roles={roles}
        onClose={() => setAdding(false)}
        onSave={async (values) => {
          const member = await kw.members.create({ name: values.name, email: values.email, roleId: asId('rol', values.roleId), ...(values.password ? { password: values.password } : {}) });
          setAdding(false);
          await done(`${member.name} was added.`);
        }}
      />
      <MemberDialog
        title={editing ? `Change ${editing.name}` : ''}
        open={editing !== null}
        roles={roles}
        member={editing ?? undefined}
        onClose={() => setEditing(null)}
        onSave={async (values) => {
          const id = asId('mem', editing!.id);
          let member: Member | null = null;
          if (values.name !== editing!.name || values.roleId !== editing!.role.id) {
            member = await kw.members.update({ id, ...(values.name !== editing!.name ? { name: values.name } : {}), ...(values.roleId !== editing!.role.id ? { roleId: asId('rol', values.roleId) } : {}) });
          }
          if (values.password) member = await kw.members.setPassword({ memberId: id, password: values.password });
          setEditing(null);
          await done(member ? `${member.name} was changed.` : 'Nothing to change.');
        }}
      />
      {confirming && (
        <ConfirmDialog
          open
          title={`${confirming.action === 'delete' ? 'Delete' : confirming.action === 'deactivate' ? 'Deactivate' : 'Reactivate'} ${confirming.row.name}?`}
          confirmLabel={confirming.action === 'delete' ? 'Delete member' : confirming.action === 'deactivate' ? 'Deactivate member' : 'Reactivate member'}
          danger={confirming.action !== 'reactivate'}
          onClose={() => setConfirming(null)}
          onConfirm={async () => {
            const id = asId('mem', confirming.row.id);
            if (confirming.action === 'delete') await kw.members.delete(id);
            else if (confirming.action === 'deactivate') await kw.members.deactivate(id);
            else await kw.members.reactivate(id);
            await done(`${confirming.row.name} was ${confirming.action === 'delete' ? 'deleted' : `${confirming.action}d`}.`);
          }}
        >
          <p>{CONSEQUENCES[confirming.action](confirming.row)}</p>
        </ConfirmDialog>
      )}
    </main>
  );
}

const CONSEQUENCES: Record<'deactivate' | 'reactivate' | 'delete', (row: Row) => string> = {
  deactivate: (row) => `${row.name} can no longer log in: their sessions end now, and their ${row.apiKeyCount} API key(s) are refused until they are reactivated.`,
  reactivate: (row) => `${row.name} can log in again, and their API keys are accepted again.`,
  delete: (row) =>
    row.apiKeyCount > 0
      ? `${row.name} owns ${row.apiKeyCount} API key(s): Keywarden refuses to delete a member who owns keys. Move or delete the keys first, or deactivate the member.`
      : `${row.name} is removed from the tenant for good. The audit trail keeps what they did.`,
};

interface MemberValues {
  name: string;
  email: string;
  roleId: string;
  password: string;
}

/** Add or change a member; the API's field errors appear at the fields, and the dialog stays open. */
function MemberDialog({ title, open, roles, member, onClose, onSave }: { title: string; open: boolean; roles: RoleOption[]; member?: Row; onClose: () => void; onSave: (values: MemberValues) => Promise<void> }) {
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
      await onSave({ name: String(form.get('name')), email: String(form.get('email') ?? ''), roleId: String(form.get('roleId')), password: String(form.get('password') ?? '') });
      setError(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} open={open} onClose={close}>
      <form onSubmit={submit} aria-label={title} noValidate>
        <label>
          Name
          <input name="name" required defaultValue={member?.name} aria-invalid={fields.name ? true : undefined} aria-describedby={fields.name ? 'member-name-error' : undefined} />
          {fields.name && <span id="member-name-error" className="field-error">{fields.name}</span>}
        </label>
        {!member && (
          <label>
            Email
            <input name="email" type="email" required aria-invalid={fields.email ? true : undefined} aria-describedby={fields.email ? 'member-email-error' : undefined} />
            {fields.email && <span id="member-email-error" className="field-error">{fields.email}</span>}
          </label>
        )}
        <label>
          Role
          <select name="roleId" defaultValue={member?.role.id ?? roles.find((r) => r.builtIn === 'VIEWER')?.id ?? roles[0]?.id}>
            {roles.map((role) => (
              <option key={role.id} value={role.id}>
                {role.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {member ? 'New password (leave empty to keep)' : 'Password (optional: without one they cannot log in yet)'}
          <input name="password" type="password" autoComplete="new-password" aria-invalid={fields.password ? true : undefined} aria-describedby={fields.password ? 'member-password-error' : undefined} />
          {fields.password && <span id="member-password-error" className="field-error">{fields.password}</span>}
        </label>
        <ErrorNotice error={error} />
        <div className="actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : member ? 'Save' : 'Add member'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
