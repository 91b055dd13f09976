// The audit trail through the SDK against a real server: the query (newest first, filters), the
// chain check, the NDJSON export, and the live stream over SSE — including its resumption when the
// server ends a stream (shortened here to 1.5 s from the default 15 minutes).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ForbiddenError, createClient, type AuditEvent, type KeywardenClient } from '../src/index.ts';
import { startLiveServer, type LiveServer, type TestTenant } from './helpers/liveServer.ts';

let live: LiveServer;
let tenant: TestTenant;
let owner: KeywardenClient;

beforeAll(async () => {
  live = await startLiveServer({ audit: { maxStreamMs: 1_500, pollIntervalMs: 200 } });
  tenant = await live.createTenant();
  owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
  await owner.scopes.create({ name: 'tickets:read' });
  for (const name of ['one', 'two', 'three']) await owner.keys.create({ name, scopes: ['tickets:read'] });
});
afterAll(async () => {
  await live?.close();
});

/** Takes `count` events from an async iterable, then stops it. */
async function take<T>(iterable: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  if (count === 0) return out;
  for await (const item of iterable) {
    out.push(item);
    if (out.length === count) break;
  }
  return out;
}

describe('query, chain, export', () => {
  test('audit.list: newest first, with filters', async () => {
    const events = await owner.audit.list().toArray();
    expect(events.length).toBeGreaterThanOrEqual(4);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const created = await owner.audit.list({ filter: { action: 'key.' } }).toArray();
    expect(created.map((e) => e.action)).toEqual(expect.arrayContaining(['key.created']));
    expect(created.every((e) => e.action.startsWith('key.'))).toBe(true);
    expect(created[0]).toMatchObject({ tenantId: tenant.id, actorType: 'MEMBER', actorId: tenant.owner.id, targetType: expect.any(String) });
    expect(JSON.stringify(created)).not.toMatch(/secretHash|argon2/);
  });

  test('audit.verifyChain', async () => {
    const chain = await owner.audit.verifyChain();
    expect(chain).toMatchObject({ ok: true, firstSeq: 1, firstBrokenSeq: null });
    expect(chain.checkedEvents).toBeGreaterThanOrEqual(4);
  });

  test('audit.export: every event oldest first, as newline-delimited JSON read as it arrives', async () => {
    const exported: AuditEvent[] = [];
    for await (const event of owner.audit.export()) exported.push(event);
    const listed = await owner.audit.list().toArray();
    expect(exported.map((e) => e.id)).toEqual(listed.map((e) => e.id).reverse());
    const after: string[] = [];
    for await (const event of owner.audit.export({ since: exported[1]!.id })) after.push(event.id);
    expect(after).toEqual(exported.slice(2).map((e) => e.id));
  });
});

describe('live stream over SSE', () => {
  test('delivers events as they are committed, from the moment it starts', async () => {
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const received = take(owner.audit.stream({ onOpen: () => opened() }), 2);
    await open;
    await owner.keys.create({ name: 'four' });
    await owner.scopes.create({ name: 'tickets:write' });
    const events = await received;
    expect(events.map((e) => e.action)).toEqual(['key.created', 'scope.created']);
    expect(events[1]!.seq).toBe(events[0]!.seq + 1);
  });

  test('afterId replays what followed an event, then goes on live; it resumes when the server ends the stream', async () => {
    const history = (await owner.audit.list().toArray()).reverse();
    const from = history[history.length - 3]!;
    const expected = history.slice(-2).map((e) => e.id);
    let connections = 0;
    const stream = owner.audit.stream({ afterId: from.id, onOpen: () => connections++ });
    const replayed = await stream.next().then(async (first) => [first.value!, (await stream.next()).value!]);
    expect(replayed.map((e) => e.id)).toEqual(expected);

    // Wait past the server's stream limit: the SDK reconnects with afterId and misses nothing.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await owner.keys.create({ name: 'five' });
    const next = (await stream.next()).value!;
    await stream.return(undefined);
    expect(next).toMatchObject({ action: 'key.created', seq: replayed[1]!.seq + 1 });
    expect(connections).toBeGreaterThanOrEqual(2);
  });

  test('a caller without audit:read is refused (ForbiddenError), not retried', async () => {
    const viewer = createClient({ url: live.url, sessionToken: (await tenant.addMember('VIEWER')).token });
    await expect(take(viewer.audit.stream({ afterId: null }), 1)).rejects.toBeInstanceOf(ForbiddenError);
  });
});
