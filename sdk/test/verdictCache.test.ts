// requireKey({ cache: true }) against a real server: a warm verdict costs no round trip, every
// kind of change reaches the guard within a second, the stream's outage and reset make it ask
// again, keys with limits always ask, and the key text is kept nowhere.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, requireKey, type GuardRequest, type KeyGuard, type KeyId, type KeywardenClient } from '../src/index.ts';
import { VerdictCache } from '../src/verdictCache.ts';
import { startLiveServer, type LiveServer } from './helpers/liveServer.ts';

const WITHIN_MS = 1_000;
const DEADLINE_MS = 15_000;

let live: LiveServer;
let owner: KeywardenClient;
let verifierKey: string;
const counts = { verify: 0, streams: 0 };
/** While set: new invalidation streams are answered 503, and the open one is cut. */
let streamBlocked = false;
/** Replaces the Last-Event-ID the guard resumes from (to provoke a reset). */
let forcedLastEventId: string | null = null;
const openStreams = new Set<AbortController>();

/** A fetch that counts verifications and can cut or refuse the invalidation stream. */
const instrumented: typeof fetch = async (input, init = {}) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.endsWith('/v1/verify')) counts.verify++;
  if (!url.endsWith('/v1/invalidations')) return fetch(input, init);
  if (streamBlocked) return new Response('{"error":{"code":"SERVICE_UNAVAILABLE","message":"blocked by the test"}}', { status: 503, headers: { 'content-type': 'application/json' } });
  counts.streams++;
  const headers = new Headers(init.headers);
  if (forcedLastEventId !== null && headers.has('last-event-id')) headers.set('last-event-id', forcedLastEventId);
  const cut = new AbortController();
  openStreams.add(cut);
  return fetch(input, { ...init, headers, signal: init.signal ? AbortSignal.any([init.signal, cut.signal]) : cut.signal });
};

function cutStreams(): void {
  for (const cut of openStreams) cut.abort(new Error('cut by the test'));
  openStreams.clear();
}

beforeAll(async () => {
  live = await startLiveServer();
  const tenant = await live.createTenant();
  owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
  await owner.scopes.create({ name: 'tickets:read' });
  await owner.scopes.create({ name: 'tickets:write' });
  verifierKey = (await owner.keys.create({ name: 'ticket-api', scopes: ['keys:verify'] })).secret;
});
afterAll(() => live.close());

const guards: KeyGuard[] = [];
afterAll(() => guards.forEach((g) => g.close()));

function guard(options: Partial<Parameters<typeof requireKey>[0]> = {}): KeyGuard {
  const client = createClient({ url: live.url, apiKey: verifierKey, fetch: instrumented, retry: false });
  const g = requireKey({ client, scopes: ['tickets:read'], cache: true, ...options });
  guards.push(g);
  return g;
}

const request = (key: string, ip = '203.0.113.7'): GuardRequest => ({
  method: 'GET',
  path: '/v1/tickets/1',
  header: (name) => (name === 'authorization' ? `Bearer ${key}` : null),
  ip,
});

async function until(condition: () => boolean | Promise<boolean>, what: string, deadlineMs = DEADLINE_MS): Promise<number> {
  const start = performance.now();
  while (!(await condition())) {
    if (performance.now() - start > deadlineMs) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - start;
}

/** Asks until the guard's stream is live and the key's verdict is served from memory. */
async function warm(g: KeyGuard, key: string): Promise<void> {
  await until(async () => {
    const before = counts.verify;
    const decision = await g.authorize(request(key));
    if (!decision.ok) throw new Error(`refused while warming: ${decision.code}`);
    return counts.verify === before;
  }, 'a cached verdict');
}

const newKey = async (input: Partial<Parameters<typeof owner.keys.create>[0]> = {}) => {
  const issued = await owner.keys.create({ name: 'client', scopes: ['tickets:read'], ...input });
  return { id: issued.apiKey.id, text: issued.secret };
};

describe('a warm verdict', () => {
  test('is answered without a round trip, and the verdict is the one the server gave', async () => {
    const g = guard();
    const k = await newKey();
    await warm(g, k.text);
    const before = counts.verify;
    for (let i = 0; i < 20; i++) {
      const decision = await g.authorize(request(k.text));
      expect(decision.ok && decision.result.keyId).toBe(k.id);
    }
    expect(counts.verify).toBe(before);
    // Another address, endpoint or scope list is another verdict: asked once.
    await g.authorize(request(k.text, '198.51.100.9'));
    expect(counts.verify).toBe(before + 1);
    expect(g.cacheInfo()).toMatchObject({ live: true });
    expect(g.cacheInfo()!.hits).toBeGreaterThanOrEqual(20);
  });

  test('refusals are never cached', async () => {
    const g = guard();
    const k = await newKey({ scopes: ['tickets:write'] });
    await until(() => g.cacheInfo()!.live || (void g.authorize(request(k.text)), false), 'a live stream');
    const before = counts.verify;
    for (let i = 0; i < 3; i++) expect((await g.authorize(request(k.text))).ok).toBe(false);
    expect(counts.verify).toBe(before + 3);
  });

  test('keys with a rate limit or usage credits ask the server every time', async () => {
    const g = guard();
    const limited = await newKey({ rateLimit: { limit: 1000, windowMs: 60_000 } });
    const credited = await newKey({ credits: { remaining: 1000 } });
    const plain = await newKey();
    await warm(g, plain.text);
    for (const k of [limited, credited]) {
      const before = counts.verify;
      for (let i = 0; i < 3; i++) expect((await g.authorize(request(k.text))).ok).toBe(true);
      expect(counts.verify).toBe(before + 3);
    }
  });
});

describe('a change reaches the guard within a second', () => {
  const changes: [string, (id: KeyId) => Promise<unknown>][] = [
    ['revoke', (id) => owner.keys.revoke({ id, reason: 'leaked' })],
    ['disable', (id) => owner.keys.disable(id)],
    ['rotate', (id) => owner.keys.rotate({ id })],
    ['scope change', (id) => owner.keys.update({ id, scopes: ['tickets:write'] })],
    ['IP rule', (id) => owner.ipRules.create({ apiKeyId: id, action: 'DENY', cidr: '203.0.113.0/24' })],
    ['delete', (id) => owner.keys.delete(id)],
  ];
  for (const [name, change] of changes) {
    test(name, async () => {
      const g = guard();
      const k = await newKey();
      await warm(g, k.text);
      await change(k.id);
      // From the answer to the change (it is committed by then; argon2 makes a rotation's call itself slow).
      const elapsed = await until(async () => !(await g.authorize(request(k.text))).ok, `${name} refused`);
      expect(elapsed).toBeLessThan(WITHIN_MS);
    });
  }
});

describe('the stream', () => {
  test('while it is down every request asks; once back, verdicts are cached again', async () => {
    const g = guard();
    const k = await newKey();
    await warm(g, k.text);
    streamBlocked = true;
    try {
      cutStreams();
      await until(() => !g.cacheInfo()!.live, 'the guard notices the outage');
      const before = counts.verify;
      for (let i = 0; i < 5; i++) expect((await g.authorize(request(k.text))).ok).toBe(true);
      expect(counts.verify).toBe(before + 5);
      // A revocation while it is down is refused at once: the server is asked.
      const other = await newKey();
      await g.authorize(request(other.text));
      await owner.keys.revoke({ id: other.id, reason: 'during the outage' });
      expect((await g.authorize(request(other.text))).ok).toBe(false);
    } finally {
      streamBlocked = false;
    }
    await warm(g, k.text);
  });

  test('a reset (an id too old to resume from) drops every cached verdict', async () => {
    const g = guard();
    const k = await newKey();
    await warm(g, k.text);
    expect(g.cacheInfo()!.entries).toBeGreaterThan(0);
    const streamsBefore = counts.streams;
    forcedLastEventId = '999999999';
    try {
      cutStreams();
      await until(() => counts.streams > streamsBefore && g.cacheInfo()!.live, 'the guard resumes');
      expect(g.cacheInfo()!.entries).toBe(0);
    } finally {
      forcedLastEventId = null;
    }
    const before = counts.verify;
    await g.authorize(request(k.text));
    expect(counts.verify).toBe(before + 1);
  });

  test('one stream per client, whatever the number of guards', async () => {
    // Streams of this client only: guards of earlier tests may reconnect theirs meanwhile.
    let streams = 0;
    const counted: typeof fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/v1/invalidations')) streams++;
      return instrumented(input, init);
    };
    const client = createClient({ url: live.url, apiKey: verifierKey, fetch: counted, retry: false });
    const a = requireKey({ client, scopes: ['tickets:read'], cache: true });
    const b = requireKey({ client, scopes: ['tickets:write'], cache: { maxEntries: 10 } });
    guards.push(a, b);
    const k = await newKey();
    await warm(a, k.text);
    await b.authorize(request(k.text));
    await until(() => a.cacheInfo()!.live && b.cacheInfo()!.live, 'both live');
    expect(streams).toBe(1);
  });
});

describe('the key text', () => {
  test('is not in the cache keys, nor in the stream', async () => {
    const client = createClient({ url: live.url, apiKey: verifierKey, fetch: instrumented, retry: false });
    const cache = new VerdictCache(client, { maxEntries: 2 });
    const k = await newKey();
    try {
      await until(() => {
        cache.lookup(k.text, null, null, undefined);
        return cache.info().live;
      }, 'live');
      for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
        const lookup = cache.lookup(k.text, ip, 'GET /x', ['tickets:read']);
        cache.store(lookup, (await client.verify({ key: k.text, ip, endpoint: 'GET /x', scopes: ['tickets:read'] })));
      }
      // Bounded: the least recently used went.
      expect(cache.keys()).toHaveLength(2);
      const secretPart = k.text.split('_').at(-1)!;
      for (const id of cache.keys()) {
        expect(id).not.toContain(k.text);
        expect(id).not.toContain(secretPart);
        expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      }
      // The stream as the guard reads it.
      const events = client.invalidations({ idleTimeoutMs: 10_000 });
      const seen: string[] = [];
      const reading = (async () => {
        for await (const event of events) {
          seen.push(JSON.stringify(event));
          if (event.event === 'invalidate' && event.data.includes(k.id)) break;
        }
      })();
      await until(() => seen.some((e) => e.includes('"ready"')), 'ready');
      await owner.keys.revoke({ id: k.id, reason: 'done' });
      await reading;
      expect(seen.join('\n')).not.toContain(secretPart);
      // Nor in the server's logs of all this.
      expect(live.harness.logs.text()).not.toContain(secretPart);
    } finally {
      cache.close();
    }
  });
});
