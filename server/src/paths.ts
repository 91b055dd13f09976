// Folders the server reads at run time, found from this file: it sits one level below the server
// folder both as source (src/paths.ts) and when bundled (dist/server.mjs), so one computation serves both.
import { fileURLToPath } from 'node:url';

export const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
