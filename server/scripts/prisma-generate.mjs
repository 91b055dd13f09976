// `prisma generate` works offline once PRISMA_SCHEMA_ENGINE_BINARY names any existing file:
// the CLI then skips its engine download, and generate never runs the engine.
import { spawnSync } from 'node:child_process';
import process from 'node:process';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath };
const result = spawnSync('prisma', ['generate'], { stdio: 'inherit', env, shell: false });
process.exit(result.status ?? 1);
