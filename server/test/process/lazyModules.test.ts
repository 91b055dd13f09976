import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildServer } from '../../scripts/bundle.ts';
import { openEmptyTestDatabase } from '../harness/database.ts';
import { SERVER_DIR, startServerProcess, tempDataDir, PROCESS_TIMEOUT_MS, type ServerProcess } from '../harness/serverProcess.ts';

// Real processes start slowly on a loaded 2-core machine: these are caps, not waits (the tests
// wait on output lines and exits).
vi.setConfig({ testTimeout: PROCESS_TIMEOUT_MS, hookTimeout: PROCESS_TIMEOUT_MS });

// A server's memory is mostly the modules it holds: the large ones it may never need are loaded
// on demand. A resolve hook in the real server process writes down every module it loads.
const HOOK = pathToFileURL(path.join(SERVER_DIR, 'test/harness/moduleLog.mjs')).href;
const PGLITE = /\/@electric-sql\/pglite\//;
const SCHEMA_ENGINE = /\/@prisma\/schema-engine-wasm\//;
const GRAPHIQL = /\/@graphql-yoga\/render-graphiql\//;

const embedded = !process.env.TEST_DATABASE_URL;
const disposals: (() => Promise<void>)[] = [];

/** An empty database of the run's kind: a PGlite folder, or a fresh PostgreSQL database. */
async function emptyDatabaseEnv(): Promise<Record<string, string>> {
  if (embedded) return { KEYWARDEN_DATA_DIR: tempDataDir() };
  const db = await openEmptyTestDatabase();
  disposals.push(() => db.dispose());
  return { DATABASE_URL: db.url! };
}

let env: Record<string, string>;
beforeAll(async () => {
  env = await emptyDatabaseEnv();
});
afterAll(async () => {
  await Promise.all(disposals.map((dispose) => dispose()));
});

async function withServer(
  check: (server: ServerProcess, loaded: (pattern: RegExp) => boolean) => Promise<void>,
  { serverEnv = env, bundle }: { serverEnv?: Record<string, string>; bundle?: string } = {},
): Promise<void> {
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'keywarden-modules-')), 'modules.log');
  const server = await startServerProcess({ ...serverEnv, KEYWARDEN_MODULE_LOG: log }, { nodeArgs: ['--import', HOOK], ...(bundle ? { bundle } : {}) });
  try {
    await check(server, (pattern) => readFileSync(log, 'utf8').split('\n').some((url) => pattern.test(url)));
  } finally {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
}

describe('modules a server process loads only when it needs them', () => {
  it(`loads PGlite ${embedded ? 'in the embedded mode' : 'never on PostgreSQL'}, and the schema engine to migrate an empty database`, async () => {
    await withServer(async (server, loaded) => {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(loaded(PGLITE)).toBe(embedded);
      expect(loaded(SCHEMA_ENGINE)).toBe(true);
    });
  });

  it('does not load the schema engine when no migration is pending', async () => {
    await withServer(async (server, loaded) => {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(loaded(SCHEMA_ENGINE)).toBe(false);
      expect(loaded(PGLITE)).toBe(embedded);
    });
  });

  it('loads the GraphiQL renderer at the first page asked for, and serves it with its policy', async () => {
    await withServer(async (server, loaded) => {
      const api = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      });
      expect((await api.json()).data.viewer.kind).toBe('ANONYMOUS');
      expect(loaded(GRAPHIQL)).toBe(false);

      for (let i = 0; i < 2; i++) {
        const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<title>Keywarden GraphiQL</title>');
        expect(page.headers.get('content-security-policy')).toMatch(/script-src[^;]*'sha256-/);
      }
      expect(loaded(GRAPHIQL)).toBe(true);
    });
  });
});

describe('the bundled server, as pnpm start runs it', () => {
  it('migrates an empty database, serves, loads PGlite only when embedded and GraphiQL at its page, and stops on SIGTERM', async () => {
    const [bundle] = await buildServer();
    await withServer(
      async (server, loaded) => {
        expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
        expect(loaded(PGLITE)).toBe(embedded);
        expect(loaded(SCHEMA_ENGINE)).toBe(true);
        expect(loaded(GRAPHIQL)).toBe(false);
        const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
        expect(await page.text()).toContain('<title>Keywarden GraphiQL</title>');
        expect(loaded(GRAPHIQL)).toBe(true);
      },
      { serverEnv: await emptyDatabaseEnv(), bundle: bundle! },
    );
  });
});
