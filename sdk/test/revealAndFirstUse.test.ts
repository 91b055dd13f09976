// keys.create / keys.rotate with a reveal link, and a rotation whose grace starts at first use,
// against a started server over HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ValidationError, createClient } from '../src/index.ts';
import { startLiveServer, type LiveServer, type TestTenant } from './helpers/liveServer.ts';

let live: LiveServer;
let tenant: TestTenant;
beforeAll(async () => {
  live = await startLiveServer();
  tenant = await live.createTenant();
}, 240_000);
afterAll(async () => {
  await live?.close();
});

/** Opens a reveal link as a script would: POST with Accept: application/json. */
async function reveal(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${live.url.replace(/\/graphql$/, '')}${new URL(url).pathname}`, { method: 'POST', headers: { accept: 'application/json' } });
  return { status: response.status, body: await response.json() };
}

describe('reveal links and grace from first use through the SDK', () => {
  test('create and rotate by reveal link: no key text, the link shows it once', async () => {
    const client = createClient({ url: live.url, sessionToken: tenant.owner.token });
    const created = await client.keys.create({ name: 'handed over', delivery: 'REVEAL_LINK', revealLinkTtlSeconds: 600 });
    expect(created.key).toBeNull();
    expect(created.revealUrl).toMatch(/\/v1\/reveal\/[A-Za-z0-9_-]{43}$/);
    const opened = await reveal(created.revealUrl);
    expect(opened.status).toBe(200);
    expect((await client.verify({ key: opened.body.key })).valid).toBe(true);
    expect((await reveal(created.revealUrl)).status).toBe(410);

    const rotated = await client.keys.rotate({ id: created.apiKey.id, delivery: 'REVEAL_LINK', graceStartsAt: 'FIRST_USE', gracePeriodSeconds: 300 });
    expect(rotated.apiKey.rotation).toMatchObject({ state: 'WAITING_FOR_FIRST_USE', gracePeriodSeconds: 300 });
    const newKey = (await reveal(rotated.revealUrl)).body.key;
    expect((await client.verify({ key: opened.body.key })).valid).toBe(true);
    expect((await client.verify({ key: newKey })).valid).toBe(true);
    expect((await client.keys.get(created.apiKey.id)).rotation).toMatchObject({ state: 'GRACE' });
  });

  test('bad inputs are typed errors', async () => {
    const client = createClient({ url: live.url, sessionToken: tenant.owner.token });
    await expect(client.keys.create({ name: 'x', delivery: 'REVEAL_LINK', revealLinkTtlSeconds: 0 })).rejects.toBeInstanceOf(ValidationError);
    const plain = await client.keys.create({ name: 'plain' });
    expect(plain.revealUrl).toBeNull();
    await expect(client.keys.rotate({ id: plain.apiKey.id, maxWaitSeconds: 600 })).rejects.toBeInstanceOf(ValidationError);
  });
});
