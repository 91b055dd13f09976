import { useTitle } from '../../router.tsx';
import type { PageProps } from '../index.ts';

export function RolesPage(_props: PageProps) {
  useTitle('Roles');
  return (
    <main>
      <h1>Roles</h1>
      <p>Not built yet.</p>
    </main>
  );
}
