import { useTitle } from '../../router.tsx';
import type { PageProps } from '../index.ts';

export function ExplainPage(_props: PageProps) {
  useTitle('Why was this key refused?');
  return (
    <main>
      <h1>Why was this key refused?</h1>
      <p>Not built yet.</p>
    </main>
  );
}
