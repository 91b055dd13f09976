// The SDK names itself in every request: `User-Agent: keywarden-sdk/<version> node/<version>`, seen
// by the server (its audit events record it) on GraphQL and REST calls alike.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, type KeywardenClient } from '../src/index.ts';
import { SDK_VERSION } from '../src/version.ts';
import { startLiveServer, type LiveServer, type TestTenant } from './helpers/liveServer.ts';

const EXPECTED = `keywarden-sdk/${SDK_VERSION} node/${process.versions.node}`;
let live: LiveServer;
let tenant: TestTenant;
const sent: (string | null)[] = [];
let owner: KeywardenClient;

beforeAll(async () => {
  live = await startLiveServer();
  tenant = await live.createTenant('agent');
  // The real fetch, watched: what each request carried on its way to the live server.
  const watched: typeof fetch = (input, init) => {
    sent.push(new Headers(init?.headers).get('user-agent'));
    return fetch(input, init);
  };
  owner = createClient({ url: live.url, sessionToken: tenant.owner.token, fetch: watched });
});
afterAll(async () => {
  await live?.close();
});

test("the version sent is package.json's", async () => {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
  expect(SDK_VERSION).toBe(manifest.version);
});

test('every request carries it, and the server records it', async () => {
  const { apiKey, key } = await owner.keys.create({ name: 'agent-key', scopes: [] });
  await owner.verify({ key }).catch(() => undefined); // REST: POST /v1/verify (the owner may lack keys:verify; the header is what counts)
  expect(sent.length).toBeGreaterThanOrEqual(2);
  expect(new Set(sent)).toEqual(new Set([EXPECTED]));

  const events = await owner.audit.list({ filter: { targetId: apiKey.id } }).toArray();
  const created = events.find((e) => e.action === 'key.created');
  expect(created?.userAgent).toBe(EXPECTED);
});

test("a caller's own User-Agent replaces it", async () => {
  const named = createClient({ url: live.url, sessionToken: tenant.owner.token, headers: { 'User-Agent': 'billing-sync/2.0' } });
  const { apiKey } = await named.keys.create({ name: 'named-agent', scopes: [] });
  const events = await owner.audit.list({ filter: { targetId: apiKey.id } }).toArray();
  expect(events.find((e) => e.action === 'key.created')?.userAgent).toBe('billing-sync/2.0');
});
