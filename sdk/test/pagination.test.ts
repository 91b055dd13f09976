// Auto-pagination over Relay connections against a real server: more items than a page holds.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageIterator, type KeywardenClient } from '../src/index.ts';
import { newId } from '../../server/src/domain/ids.ts';
import { startLiveServer, type LiveServer } from './helpers/liveServer.ts';

let live: LiveServer;
let client: KeywardenClient;
let requests = 0;
const SCOPES = 105; // more than the largest page (100)
const KEYS = 12;

beforeAll(async () => {
  live = await startLiveServer();
  const tenant = await live.createTenant();
  client = createClient({
    url: live.url,
    sessionToken: tenant.owner.token,
    fetch: (input, init) => {
      requests++;
      return fetch(input, init);
    },
  });
  // Many records are seeded straight into the database (fast); the few keys go through the API.
  const names = Array.from({ length: SCOPES }, (_, i) => `res${String(i).padStart(3, '0')}:read`);
  await live.harness.app.db.prisma.scope.createMany({ data: names.map((name) => ({ id: newId('scp'), tenantId: tenant.id, name })) });
  for (let i = 0; i < KEYS; i++) await client.keys.create({ name: `key-${String(i).padStart(2, '0')}`, scopes: i % 2 ? ['res001:read'] : [] });
});
afterAll(async () => {
  await live?.close();
});

test('for await walks every page (default page size 40 → 3 requests for 105 items)', async () => {
  requests = 0;
  const names: string[] = [];
  for await (const scope of client.scopes.list()) names.push(scope.name);
  expect(names).toHaveLength(SCOPES);
  expect(new Set(names).size).toBe(SCOPES);
  expect(names[0]).toBe('res000:read');
  expect(names.at(-1)).toBe('res104:read');
  expect(requests).toBe(3);
});

test('pageSize, limit and early exit fetch only what is needed', async () => {
  requests = 0;
  const keys = await client.keys.list({ pageSize: 5 }).toArray();
  expect(keys.map((k) => k.name)).toEqual(Array.from({ length: KEYS }, (_, i) => `key-${String(i).padStart(2, '0')}`));
  expect(requests).toBe(3);

  requests = 0;
  expect(await client.scopes.list({ pageSize: 10, limit: 25 }).toArray()).toHaveLength(25);
  expect(requests).toBe(3);

  requests = 0;
  let seen = 0;
  for await (const _ of client.keys.list({ pageSize: 4 })) {
    if (++seen === 3) break;
  }
  expect(requests).toBe(1);
});

test('filters go to every page', async () => {
  const filtered = await client.keys.list({ pageSize: 2, filter: { scope: 'res001:read' } }).toArray();
  expect(filtered).toHaveLength(KEYS / 2);
  expect(filtered.every((k) => k.scopes.includes('res001:read'))).toBe(true);
});

test('pages() and page() with cursors', async () => {
  const pages: number[] = [];
  for await (const page of client.keys.list({ pageSize: 5 }).pages()) pages.push(page.items.length);
  expect(pages).toEqual([5, 5, 2]);

  const first = await client.keys.page({ first: 7 });
  expect(first.items).toHaveLength(7);
  expect(first.pageInfo.hasNextPage).toBe(true);
  const second = await client.keys.page({ first: 7, after: first.pageInfo.endCursor });
  expect(second.items).toHaveLength(KEYS - 7);
  expect(second.pageInfo.hasNextPage).toBe(false);
  expect(second.items[0]!.name).toBe('key-07');

  // Resume a list from a cursor.
  const rest = await client.keys.list({ after: first.pageInfo.endCursor }).toArray();
  expect(rest.map((k) => k.id)).toEqual(second.items.map((k) => k.id));
});

test('page size is 40 unless asked, clamped to 100, and must be positive', async () => {
  const page = await client.scopes.page({ first: 500 });
  expect(page.items).toHaveLength(MAX_PAGE_SIZE);
  expect((await client.scopes.page()).items).toHaveLength(DEFAULT_PAGE_SIZE);
  await expect(client.scopes.list({ pageSize: 0 }).toArray()).rejects.toThrow(RangeError);
});

test('the generic PageIterator refuses a connection that never advances', async () => {
  const stuck = new PageIterator<number>(async () => ({ items: [1], pageInfo: { hasNextPage: true, endCursor: null } }));
  await expect(stuck.toArray()).rejects.toThrow(/no new cursor/);
});
