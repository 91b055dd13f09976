// `pnpm codegen:check` (CI): regenerate sdk/src/gql/ from schema.graphql and the SDK's operations,
// then fail when the result differs from what is committed — including files git does not track yet
// (`git diff` alone would miss a newly generated file).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const generated = ['sdk/src/gql', 'console/src/gql'];

const codegen = spawnSync('pnpm', ['codegen'], { cwd: root, stdio: 'inherit' });
if (codegen.status !== 0) {
  console.error('codegen failed: an SDK operation no longer matches schema.graphql (see above)');
  process.exit(codegen.status ?? 1);
}
const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all', '--', ...generated], { cwd: root, encoding: 'utf8' });
if (status.status !== 0) {
  console.error(status.stderr);
  process.exit(1);
}
if (status.stdout.trim() !== '') {
  console.error(`${generated.join(' or ')} is out of date with schema.graphql and the operations:\n${status.stdout}Run \`pnpm codegen\` and commit the result.`);
  process.exit(1);
}
console.log(`${generated.join(' and ')} are up to date`);
