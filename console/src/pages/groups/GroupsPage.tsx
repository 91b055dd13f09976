import { useTitle } from '../../router.tsx';
import type { PageProps } from '../index.ts';

export function GroupsPage(_props: PageProps) {
  useTitle('Key groups');
  return (
    <main>
      <h1>Key groups</h1>
      <p>Not built yet.</p>
    </main>
  );
}
