import { useRef, useState, type ReactNode } from 'react';
import { asId } from '@keywarden/sdk';
import { kw } from '../../api.ts';
import { navigate } from '../../router.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { SecretOnce } from '../../ui/SecretOnce.tsx';
import { duration, exactTime } from './keyPageFormat.tsx';

// The single-key actions of the key's page. Each asks first, saying what will happen; the API
// decides whether it may (its refusal shows in the dialog, and nothing changed). Only one dialog is
// in the page at a time: ui/Dialog titles itself by a fixed element id.

type Action = 'rotate' | 'disable' | 'enable' | 'revoke' | 'delete';

export interface ActionKey {
  id: string;
  name: string;
  publicId: string;
  status: 'ACTIVE' | 'DISABLED' | 'EXPIRED' | 'REVOKED';
}

const GRACE_CHOICES = [900, 3_600, 86_400, 7 * 86_400];
const WAIT_CHOICES = [86_400, 7 * 86_400, 30 * 86_400];
type GraceMode = 'none' | 'now' | 'firstUse';

export function KeyPageActions({ apiKey, canWrite, onChanged }: { apiKey: ActionKey; canWrite: boolean; onChanged: (done: string) => Promise<void> }) {
  const [action, setAction] = useState<Action | null>(null);
  // What the dialog shows while it closes (the action is cleared first).
  const [shown, setShown] = useState<Action>('disable');
  const [secret, setSecret] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [mode, setMode] = useState<GraceMode>('now');
  const [grace, setGrace] = useState(86_400);
  const [wait, setWait] = useState(7 * 86_400);
  const rotateButton = useRef<HTMLButtonElement>(null);
  const id = asId('key', apiKey.id);

  const open = (next: Action) => {
    setShown(next);
    setAction(next);
    setReason('');
  };

  const run: Record<Action, () => Promise<void>> = {
    rotate: async () => {
      const issued = await kw.keys.rotate({
        id,
        gracePeriodSeconds: mode === 'none' ? 0 : grace,
        graceStartsAt: mode === 'firstUse' ? 'FIRST_USE' : 'ROTATION',
        ...(mode === 'firstUse' && { maxWaitSeconds: wait }),
      });
      setSecret(issued.key);
      await onChanged('The key was rotated: give its users the new key.');
    },
    disable: async () => {
      await kw.keys.disable(id);
      await onChanged('The key was disabled: requests with it are refused.');
    },
    enable: async () => {
      await kw.keys.enable(id);
      await onChanged('The key was enabled: requests with it are accepted again.');
    },
    revoke: async () => {
      await kw.keys.revoke({ id, reason });
      await onChanged('The key was revoked: requests with it are refused for good.');
    },
    delete: async () => {
      await kw.keys.delete(id);
      navigate('/keys');
    },
  };

  const live = apiKey.status !== 'REVOKED';
  return (
    <section aria-labelledby="key-actions">
      <h2 id="key-actions">Actions</h2>
      {!canWrite && <p className="muted">Your role does not hold keys:write, so the API will refuse these actions.</p>}
      {!live && <p className="muted">A revoked key cannot be enabled, rotated or changed: it can only be deleted.</p>}
      <div className="key-actions">
        {live && (
          <button type="button" ref={rotateButton} onClick={() => open('rotate')}>
            Rotate…
          </button>
        )}
        {apiKey.status === 'DISABLED' && (
          <button type="button" onClick={() => open('enable')}>
            Enable…
          </button>
        )}
        {(apiKey.status === 'ACTIVE' || apiKey.status === 'EXPIRED') && (
          <button type="button" onClick={() => open('disable')}>
            Disable…
          </button>
        )}
        {live && (
          <button type="button" className="danger" onClick={() => open('revoke')}>
            Revoke…
          </button>
        )}
        <button type="button" className="danger" onClick={() => open('delete')}>
          Delete…
        </button>
      </div>

      {secret !== null ? (
        <SecretOnce
          title={`New key for ${apiKey.name}`}
          secrets={[{ label: 'Key', value: secret }]}
          onDone={() => {
            setSecret(null);
            // The dialog that opened this one is gone: focus goes back to where it started.
            queueMicrotask(() => rotateButton.current?.focus());
          }}
        />
      ) : (
        <ConfirmDialog
          title={TITLES[shown](apiKey.name)}
          open={action !== null}
          onClose={() => setAction(null)}
          confirmLabel={LABELS[shown]}
          danger={shown === 'revoke' || shown === 'delete' || shown === 'disable'}
          onConfirm={run[shown]}
        >
          {shown === 'rotate' && <RotateChoices publicId={apiKey.publicId} mode={mode} setMode={setMode} grace={grace} setGrace={setGrace} wait={wait} setWait={setWait} />}
          {shown === 'disable' && (
            <p>
              Disabling refuses every request with this key, and with the access tokens issued from it, until someone enables it again. Its secret, scopes and
              rules stay as they are.
            </p>
          )}
          {shown === 'enable' && <p>Enabling accepts the key again: requests with it pass when its scopes, IP rules, endpoints and expiry allow them.</p>}
          {shown === 'revoke' && (
            <>
              <p>
                <strong>Revoking is permanent:</strong> every request with this key is refused at once; its access tokens end too. A revoked key cannot be
                enabled, rotated or changed again.
              </p>
              <label>
                Reason (kept with the key and in the audit trail)
                <textarea value={reason} onChange={(event) => setReason(event.target.value)} rows={2} />
              </label>
            </>
          )}
          {shown === 'delete' && (
            <p>
              <strong>Deleting cannot be undone:</strong> the key, its IP rules and its access tokens are removed, and every request with it is refused at once.
              The audit trail keeps its history.
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}

const TITLES: Record<Action, (name: string) => string> = {
  rotate: (name) => `Rotate ${name}?`,
  disable: (name) => `Disable ${name}?`,
  enable: (name) => `Enable ${name}?`,
  revoke: (name) => `Revoke ${name}?`,
  delete: (name) => `Delete ${name}?`,
};

const LABELS: Record<Action, string> = {
  rotate: 'Rotate the key',
  disable: 'Disable the key',
  enable: 'Enable the key',
  revoke: 'Revoke the key',
  delete: 'Delete the key',
};

function RotateChoices({ publicId, mode, setMode, grace, setGrace, wait, setWait }: {
  publicId: string;
  mode: GraceMode;
  setMode: (mode: GraceMode) => void;
  grace: number;
  setGrace: (seconds: number) => void;
  wait: number;
  setWait: (seconds: number) => void;
}) {
  const radio = (value: GraceMode, label: ReactNode) => (
    <label className="inline">
      <input type="radio" name="rotate-mode" value={value} checked={mode === value} onChange={() => setMode(value)} />
      {label}
    </label>
  );
  const ends = new Date(Date.now() + grace * 1000);
  return (
    <>
      <p>
        A new secret is made for this key (its public id <code>{publicId}</code> stays) and shown to you once. Whoever uses the key needs the new one.
      </p>
      <fieldset>
        <legend>The current secret</legend>
        {radio('none', 'stops working at once')}
        {radio('now', 'keeps working for a grace period, starting now')}
        {radio('firstUse', 'keeps working until the new key is first used, then for a grace period')}
        {mode !== 'none' && (
          <label>
            Grace period
            <select value={grace} onChange={(event) => setGrace(Number(event.target.value))}>
              {GRACE_CHOICES.map((seconds) => (
                <option key={seconds} value={seconds}>
                  {duration(seconds)}
                </option>
              ))}
            </select>
          </label>
        )}
        {mode === 'firstUse' && (
          <label>
            Wait for the first use at most
            <select value={wait} onChange={(event) => setWait(Number(event.target.value))}>
              {WAIT_CHOICES.map((seconds) => (
                <option key={seconds} value={seconds}>
                  {duration(seconds)}
                </option>
              ))}
            </select>
          </label>
        )}
      </fieldset>
      <p className="rotate-effect">
        {mode === 'none' && 'The current secret, and the access tokens issued from it, stop working at once.'}
        {mode === 'now' && `The current secret, and the access tokens issued from it, keep working for ${duration(grace)} (until ${exactTime(ends)}); then only the new one works.`}
        {mode === 'firstUse' &&
          `Both secrets work until the new one is first used; from then the current secret keeps working for ${duration(grace)}. If the new one is not used within ${duration(wait)}, the current secret stops then.`}
      </p>
    </>
  );
}
