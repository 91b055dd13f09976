import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';

/**
 * "Are you sure?" that says what will happen, runs the action, and shows the API's error in place
 * (the dialog stays open on an error: nothing changed).
 */
export function ConfirmDialog({ title, open, onClose, confirmLabel, danger = false, onConfirm, children }: {
  title: string;
  open: boolean;
  onClose: () => void;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  children: ReactNode;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setError(null);
    onClose();
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      close();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} open={open} onClose={close}>
      <div className="dialog-body">{children}</div>
      <ErrorNotice error={error} />
      <div className="actions">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="button" className={danger ? 'danger' : 'primary'} onClick={confirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
