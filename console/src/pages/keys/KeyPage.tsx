import { useTitle } from '../../router.tsx';
import type { PageProps } from '../index.ts';

export function KeyPage(_props: PageProps) {
  useTitle('API key');
  return (
    <main>
      <h1>API key</h1>
      <p>Not built yet.</p>
    </main>
  );
}
