import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal dialog on the browser's own <dialog>: focus moves in and is trapped while it is open,
 * Escape closes it (unless `closable` is false, e.g. until a key shown once is acknowledged), and
 * focus returns to what opened it.
 */
export function Dialog({ title, open, onClose, closable = true, children }: { title: string; open: boolean; onClose: () => void; closable?: boolean; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  // Its own title id: a page may hold several (closed) dialogs at once.
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (closable) onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {open && children}
    </dialog>
  );
}
