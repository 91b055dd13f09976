// keys.createMany / keys.rotateMany, and the Idempotency-Key every mutation carries, against a
// started server over HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ValidationError, NotFoundError, createClient, type FetchLike } from '../src/index.ts';
import { startLiveServer, type LiveServer, type TestTenant } from './helpers/liveServer.ts';

let live: LiveServer;
let tenant: TestTenant;
beforeAll(async () => {
  live = await startLiveServer();
  tenant = await live.createTenant();
});
afterAll(async () => {
  await live?.close();
});

const keyCount = () => live.harness.app.db.prisma.apiKey.count({ where: { tenantId: tenant.id } });

describe('keys.createMany and keys.rotateMany', () => {
  test('issue and rotate several keys, each with its text once', async () => {
    const client = createClient({ url: live.url, sessionToken: tenant.owner.token });
    const created = await client.keys.createMany({ items: [{ name: 'a' }, { name: 'b' }] });
    expect(created).toMatchObject({ succeeded: 2, failed: 0 });
    const issued = created.results.map((r) => (r.ok ? r.issued : null));
    expect(issued.map((i) => i?.apiKey.name)).toEqual(['a', 'b']);
    expect((await client.verify({ key: issued[0]!.key })).valid).toBe(true);

    const rotated = await client.keys.rotateMany({ items: issued.map((i) => ({ id: i!.apiKey.id })) });
    expect(rotated.succeeded).toBe(2);
    const first = rotated.results[0]!;
    expect(first.ok && first.issued.key).not.toBe(issued[0]!.key);
    expect((await client.verify({ key: issued[0]!.key })).valid).toBe(false);
  });

  test('atomic refuses all with a typed error; otherwise each failure is an error class in its place', async () => {
    const client = createClient({ url: live.url, sessionToken: tenant.owner.token });
    const before = await keyCount();
    const refused = client.keys.createMany({ items: [{ name: 'ok' }, { name: '' }] });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    expect(await keyCount()).toBe(before);

    const each = await client.keys.createMany({ atomic: false, items: [{ name: 'ok' }, { name: '' }] });
    expect(each).toMatchObject({ succeeded: 1, failed: 1 });
    const bad = each.results[1]!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toBeInstanceOf(ValidationError);
    const missing = await client.keys.rotateMany({ atomic: false, items: [{ id: 'key_01jd5x8m6qz3v7t2k9w4r0b1cn' }] });
    const item = missing.results[0]!;
    if (!item.ok) expect(item.error).toBeInstanceOf(NotFoundError);
    expect(item.ok).toBe(false);
  });
});

describe('Idempotency-Key', () => {
  test('an answer lost on the way back: the retry gets the same key text, and only one key exists', async () => {
    const sent: string[] = [];
    let dropNext = true;
    // The server carries out the mutation; the answer is then lost as a dropped connection would lose it.
    const dropping: FetchLike = async (input, init) => {
      const response = await fetch(input, init);
      const key = new Headers(init?.headers).get('idempotency-key');
      if (key) sent.push(key);
      if (key && dropNext) {
        dropNext = false;
        await response.text();
        throw new TypeError('fetch failed: the connection was reset');
      }
      return response;
    };
    const client = createClient({ url: live.url, sessionToken: tenant.owner.token, fetch: dropping, retry: { baseDelayMs: 5 } });
    const before = await keyCount();
    const issued = await client.keys.create({ name: 'retried' });
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
    expect(await keyCount()).toBe(before + 1);
    expect((await client.verify({ key: issued.key })).valid).toBe(true);
  });
});
