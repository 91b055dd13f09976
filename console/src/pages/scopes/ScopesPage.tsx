import { useTitle } from '../../router.tsx';
import type { PageProps } from '../index.ts';

export function ScopesPage(_props: PageProps) {
  useTitle('Scope catalogue');
  return (
    <main>
      <h1>Scope catalogue</h1>
      <p>Not built yet.</p>
    </main>
  );
}
