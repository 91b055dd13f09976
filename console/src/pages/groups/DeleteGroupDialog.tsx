import { asId } from '@keywarden/sdk';
import { useEffect, useState } from 'react';
import { kw } from '../../api.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import type { Group } from './GroupsPage.tsx';

/**
 * The API deletes a group that holds keys only when told what happens to them: moved to another
 * group, or revoked (and detached). The dialog says which, and how many keys.
 */
export function DeleteGroupDialog({ group, groups, onClose, onDeleted }: { group: Group | null; groups: Group[]; onClose: () => void; onDeleted: () => Promise<void> }) {
  const [fate, setFate] = useState<'move' | 'revoke'>('move');
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const others = groups.filter((g) => g.id !== group?.id);
  useEffect(() => {
    setFate(others.length > 0 ? 'move' : 'revoke');
    setTarget(others[0]?.id ?? '');
    setReason('');
  }, [group]);
  const count = group?.keyCount ?? 0;
  const keys = `${count} ${count === 1 ? 'key' : 'keys'}`;

  return (
    <ConfirmDialog
      title={`Delete the group ${group?.name ?? ''}?`}
      open={group !== null}
      onClose={onClose}
      confirmLabel={count === 0 ? 'Delete group' : fate === 'move' ? `Move ${keys} and delete` : `Revoke ${keys} and delete`}
      danger
      onConfirm={async () => {
        const id = asId('grp', group!.id);
        if (count === 0) await kw.groups.delete({ id });
        else if (fate === 'move') await kw.groups.delete({ id, moveKeysTo: target ? asId('grp', target) : undefined });
        else await kw.groups.delete({ id, revokeKeys: true, reason: reason.trim() || undefined });
        await onDeleted();
      }}
    >
      {count === 0 ? (
        <p>The group holds no keys. Its defaults and IP rules are removed; nothing else changes.</p>
      ) : (
        <>
          <p>
            The group holds <strong>{keys}</strong> (revoked ones included). Keywarden deletes it only when you say what happens to them:
          </p>
          <fieldset className="choices">
            <legend>Its keys</legend>
            <label className="inline">
              <input type="radio" name="fate" value="move" checked={fate === 'move'} disabled={others.length === 0} onChange={() => setFate('move')} />
              Move them to another group (they take its scopes, limit and IP rules at once)
            </label>
            {fate === 'move' && (
              <label>
                Move to
                <select value={target} onChange={(e) => setTarget(e.target.value)}>
                  {others.map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label className="inline">
              <input type="radio" name="fate" value="revoke" checked={fate === 'revoke'} onChange={() => setFate('revoke')} />
              Revoke them: refused for good, at once; this cannot be undone
            </label>
            {fate === 'revoke' && (
              <label>
                Reason for revoking (optional)
                <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={`Group "${group?.name}" was deleted`} />
              </label>
            )}
          </fieldset>
        </>
      )}
    </ConfirmDialog>
  );
}
