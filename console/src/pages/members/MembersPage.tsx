import { useTitle } from '../../router.tsx';
import type { PageProps } from '../index.ts';

export function MembersPage(_props: PageProps) {
  useTitle('Members');
  return (
    <main>
      <h1>Members</h1>
      <p>Not built yet.</p>
    </main>
  );
}
