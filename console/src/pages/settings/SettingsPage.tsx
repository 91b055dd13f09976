import { useTitle } from '../../router.tsx';
import type { PageProps } from '../index.ts';

export function SettingsPage(_props: PageProps) {
  useTitle('Tenant settings');
  return (
    <main>
      <h1>Tenant settings</h1>
      <p>Not built yet.</p>
    </main>
  );
}
