import { useState } from 'react';
import { asId } from '@keywarden/sdk';
import { kw } from '../../api.ts';
import { explainError } from '../../errors.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';

// Disable, enable, revoke or delete the selected keys. The first three are one bulkUpdateKeys
// call (one transaction: all or nothing); the API has no bulk delete, so deleting is one deleteKey
// per key and each key's failure is reported on its own.

export interface SelectedKey {
  id: string;
  name: string;
  status: string;
}

type Action = 'DISABLE' | 'ENABLE' | 'REVOKE' | 'DELETE';

export interface Outcome {
  summary: string;
  /** Keys the action left as they were, each with why, in words. */
  notChanged: { name: string; why: string }[];
}

const NAMES_SHOWN = 10;

function plural(n: number, word = 'key'): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function KeyNames({ keys }: { keys: SelectedKey[] }) {
  const shown = keys.slice(0, NAMES_SHOWN);
  return (
    <ul className="key-names">
      {shown.map((key) => (
        <li key={key.id}>{key.name}</li>
      ))}
      {keys.length > shown.length && <li>…and {plural(keys.length - shown.length)} more</li>}
    </ul>
  );
}

/** Why a bulk status change passed over a key (the API changes only keys not already there). */
function whyUnchanged(key: SelectedKey, action: Exclude<Action, 'DELETE'>): string {
  if (key.status === 'REVOKED') return 'it is revoked, and a revoked key never changes';
  if (action === 'DISABLE' && key.status === 'DISABLED') return 'it was already disabled';
  if (action === 'ENABLE' && key.status !== 'DISABLED') return 'it was not disabled';
  return 'the API left it as it was';
}

const DONE: Record<Exclude<Action, 'DELETE'>, string> = { DISABLE: 'Disabled', ENABLE: 'Enabled', REVOKE: 'Revoked' };

export function KeyBulkActions({ selected, onClear, onDone }: { selected: SelectedKey[]; onClear: () => void; onDone: (outcome: Outcome) => void }) {
  const [action, setAction] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  // Keys an all-or-nothing call was refused for, named in the API's error.
  const [blocking, setBlocking] = useState<SelectedKey[]>([]);
  const n = selected.length;

  const open = (next: Action) => {
    setReason('');
    setBlocking([]);
    setAction(next);
  };

  const runStatus = async (bulk: Exclude<Action, 'DELETE'>) => {
    setBlocking([]);
    try {
      const result = await kw.keys.bulkUpdate({ action: bulk, ids: selected.map((key) => asId('key', key.id)), reason: bulk === 'REVOKE' && reason !== '' ? reason : null });
      const changed = new Set<string>(result.keyIds);
      onDone({
        summary: `${DONE[bulk]} ${plural(result.count)}.`,
        notChanged: selected.filter((key) => !changed.has(key.id)).map((key) => ({ name: key.name, why: whyUnchanged(key, bulk) })),
      });
    } catch (error) {
      // The API names the keys that stopped the whole call (e.g. a revoked key to enable).
      const message = error instanceof Error ? error.message : '';
      setBlocking(selected.filter((key) => message.includes(key.id)));
      throw error;
    }
  };

  const runDelete = async () => {
    const deleted: SelectedKey[] = [];
    const failed: { key: SelectedKey; error: unknown }[] = [];
    for (const key of selected) {
      try {
        await kw.keys.delete(asId('key', key.id));
        deleted.push(key);
      } catch (error) {
        failed.push({ key, error });
      }
    }
    // Nothing deleted: the dialog stays open with the API's answer.
    if (deleted.length === 0 && failed.length > 0) {
      setBlocking(failed.map((f) => f.key));
      throw failed[0]!.error;
    }
    onDone({
      summary: `Deleted ${plural(deleted.length)}.`,
      notChanged: failed.map(({ key, error }) => ({ name: key.name, why: explainError(error).message })),
    });
  };

  const blockingList = blocking.length > 0 && (
    <div className="key-blocking">
      <p>The API refused because of {blocking.length === 1 ? 'this key' : 'these keys'}:</p>
      <KeyNames keys={blocking} />
    </div>
  );

  return (
    <div className="bulk-bar" role="group" aria-label="Bulk actions on the selected keys">
      <span className="bulk-count" aria-live="polite">
        {n === 0 ? 'No keys selected' : `${plural(n)} selected`}
      </span>
      <button type="button" disabled={n === 0} onClick={() => open('DISABLE')}>
        Disable…
      </button>
      <button type="button" disabled={n === 0} onClick={() => open('ENABLE')}>
        Enable…
      </button>
      <button type="button" disabled={n === 0} onClick={() => open('REVOKE')}>
        Revoke…
      </button>
      <button type="button" disabled={n === 0} onClick={() => open('DELETE')}>
        Delete…
      </button>
      {n > 0 && (
        <button type="button" onClick={onClear}>
          Clear selection
        </button>
      )}

      <ConfirmDialog title={`Disable ${plural(n)}?`} open={action === 'DISABLE'} onClose={() => setAction(null)} confirmLabel={`Disable ${plural(n)}`} danger onConfirm={() => runStatus('DISABLE')}>
        <p>
          {n === 1 ? 'This key' : `These ${plural(n)}`} will be refused until someone enables {n === 1 ? 'it' : 'them'} again. Keys already disabled, and revoked keys, stay as they are.
        </p>
        <KeyNames keys={selected} />
        {blockingList}
      </ConfirmDialog>

      <ConfirmDialog title={`Enable ${plural(n)}?`} open={action === 'ENABLE'} onClose={() => setAction(null)} confirmLabel={`Enable ${plural(n)}`} onConfirm={() => runStatus('ENABLE')}>
        <p>
          {n === 1 ? 'This key' : `These ${plural(n)}`} will be accepted again (an expired key stays expired). A revoked key cannot be enabled: if the selection holds one, nothing changes.
        </p>
        <KeyNames keys={selected} />
        {blockingList}
      </ConfirmDialog>

      <ConfirmDialog title={`Revoke ${plural(n)} for good?`} open={action === 'REVOKE'} onClose={() => setAction(null)} confirmLabel={`Revoke ${plural(n)}`} danger onConfirm={() => runStatus('REVOKE')}>
        <p>
          {n === 1 ? 'This key stops' : `These ${plural(n)} stop`} working at once and can never be enabled, rotated or changed again. Keys already revoked stay as they are.
        </p>
        <KeyNames keys={selected} />
        <label>
          Reason (kept in the audit trail)
          <input value={reason} onChange={(event) => setReason(event.target.value)} />
        </label>
        {blockingList}
      </ConfirmDialog>

      <ConfirmDialog title={`Delete ${plural(n)}?`} open={action === 'DELETE'} onClose={() => setAction(null)} confirmLabel={`Delete ${plural(n)}`} danger onConfirm={runDelete}>
        <p>
          {n === 1 ? 'This key is' : `These ${plural(n)} are`} removed with {n === 1 ? 'its' : 'their'} IP rules and access tokens: anything still using {n === 1 ? 'it' : 'them'} is refused. The audit history stays. This cannot be undone.
        </p>
        <KeyNames keys={selected} />
        {blockingList}
      </ConfirmDialog>
    </div>
  );
}
