// Bundles the server (src/server.ts) into dist/ with esbuild: plain JavaScript that `node` runs
// without tsx's loader (whose hooks thread and transforms cost ~70 MB of RSS at run time). npm
// packages stay external, loaded from node_modules as at development time; the workspace SDK is
// bundled (it publishes TypeScript sources). Splitting keeps each dynamic import() a chunk of its
// own, so PGlite, GraphiQL and the schema engine are still loaded only when needed. Every output
// file sits one level below server/, as src/paths.ts expects. Takes well under a second.
//
//   pnpm build (scripts/build.ts); the benchmarks bundle their own scripts with buildServer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = path.join(SERVER_DIR, 'dist');

/** Bundles `entries` (paths relative to server/) into dist/<name>.mjs; returns the output paths. */
export async function buildServer(entries: string[] = ['src/server.ts']): Promise<string[]> {
  const { dependencies, devDependencies } = JSON.parse(readFileSync(path.join(SERVER_DIR, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  const external = Object.keys({ ...dependencies, ...devDependencies })
    .filter((name) => name !== '@keywarden/sdk')
    .flatMap((name) => [name, `${name}/*`]);
  await build({
    absWorkingDir: SERVER_DIR,
    entryPoints: entries,
    outdir: DIST_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    logLevel: 'warning',
  });
  return entries.map((entry) => path.join(DIST_DIR, `${path.basename(entry, path.extname(entry))}.mjs`));
}
