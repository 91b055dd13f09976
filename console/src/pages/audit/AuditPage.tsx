import { useTitle } from '../../router.tsx';
import type { PageProps } from '../index.ts';

export function AuditPage(_props: PageProps) {
  useTitle('Audit trail');
  return (
    <main>
      <h1>Audit trail</h1>
      <p>Not built yet.</p>
    </main>
  );
}
