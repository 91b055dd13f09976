import { build } from 'vite';
import { fileURLToPath } from 'node:url';

// The tests run against the console as built from the sources they sit next to, not a stale dist/.
export default async function buildOnce(): Promise<void> {
  await build({ root: fileURLToPath(new URL('..', import.meta.url)), logLevel: 'warn', configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)) });
}
