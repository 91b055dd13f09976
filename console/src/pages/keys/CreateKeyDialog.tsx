import { Dialog } from '../../ui/Dialog.tsx';

// Placeholder so the keys list compiles: the create dialog itself is built in its own branch.
export function CreateKeyDialog({ open, onClose, onCreated: _onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  return (
    <Dialog title="Create a key" open={open} onClose={onClose}>
      <p>Not built yet.</p>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
