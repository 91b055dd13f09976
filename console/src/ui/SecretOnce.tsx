import { useState } from 'react';
import { Dialog } from './Dialog.tsx';

/**
 * A secret the server shows this once (a new key, a rotated key, a client secret): a copy button,
 * and the dialog closes only after "I have stored it" is ticked (the seeds' acknowledgement step).
 * Escape does nothing until then. Afterwards the console never has the secret again.
 */
export function SecretOnce({ title, secrets, onDone }: { title: string; secrets: { label: string; value: string }[] | null; onDone: () => void }) {
  const [stored, setStored] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const done = () => {
    setStored(false);
    setCopied(null);
    onDone();
  };
  return (
    <Dialog title={title} open={secrets !== null} onClose={done} closable={stored}>
      <p>This is shown once. Store it now (a password manager or your secret store): Keywarden keeps only a hash and cannot show it again.</p>
      {secrets?.map((secret) => (
        <div className="secret" key={secret.label}>
          <span className="secret-label">{secret.label}</span>
          <code data-testid="secret-value">{secret.value}</code>
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard.writeText(secret.value).then(
                () => setCopied(secret.label),
                () => setCopied(null),
              )
            }
          >
            Copy {secret.label.toLowerCase()}
          </button>
        </div>
      ))}
      <p role="status" className="muted">
        {copied ? `${copied} copied to the clipboard.` : ''}
      </p>
      <label className="inline">
        <input type="checkbox" checked={stored} onChange={(event) => setStored(event.target.checked)} />I have stored it safely
      </label>
      <div className="actions">
        <button type="button" className="primary" disabled={!stored} onClick={done}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
