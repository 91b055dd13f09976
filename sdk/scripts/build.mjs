#!/usr/bin/env node
// `pnpm build`: the published build, ESM + declarations in dist/. tsc rewrites the sources' `.ts`
// import specifiers to `.js` in the JavaScript it emits but not in the declarations; a `.d.ts` that
// imports `./client.ts` makes a consumer's TypeScript look for sources that are not in the package,
// so the declarations get the same rewrite here.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sdk = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(sdk, 'dist');
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: sdk, stdio: 'inherit' });

const RELATIVE_TS = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = path.join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(RELATIVE_TS, '$1$2.js$3');
  if (rewritten !== text) writeFileSync(file, rewritten);
}

// Every published entry point (the root, `./key-format`, the framework guards, …) must exist in dist/:
// a subpath added to package.json whose source tsc did not emit fails the build, not a user's import.
const manifest = JSON.parse(readFileSync(path.join(sdk, 'package.json'), 'utf8'));
const missing = Object.entries(manifest.publishConfig.exports)
  .flatMap(([entry, target]) => (typeof target === 'string' ? [target] : Object.values(target)).map((file) => [entry, file]))
  .filter(([, file]) => file.startsWith('./dist/') && !existsSync(path.join(sdk, file)));
if (missing.length) {
  console.error(`build: published exports without a built file:\n${missing.map(([entry, file]) => `  ${entry} → ${file}`).join('\n')}`);
  process.exit(1);
}
