import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, platformToken, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, verifyKey, type TestKey } from '../harness/keys.ts';

// GET /v1/invalidations: a tenant's credential changes as server-sent events for resource servers'
// verdict caches — every kind of change reaches it, on every instance, resumable, never another
// tenant's; and the verdict says whether (and until when) it may be cached.

const WAIT_MS = 10_000;

interface Event {
  event: string;
  id?: string;
  data: string;
}

/** An open stream, read as events arrive. */
class Stream {
  private readonly events: Event[] = [];
  private readonly waiters = new Set<() => void>();
  private buffer = '';
  private done = false;
  readonly raw: string[] = [];

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await this.reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        this.raw.push(text);
        this.buffer += text;
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) !== -1) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          const event: Event = { event: 'message', data: '' };
          let fields = 0;
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const [field, ...rest] = line.split(': ');
            const value = rest.join(': ');
            if (field === 'event') event.event = value;
            else if (field === 'id') event.id = value;
            else if (field === 'data') event.data = value;
            if (field !== 'retry') fields++;
          }
          if (fields > 0) this.events.push(event);
        }
        for (const wake of this.waiters) wake();
      }
    } catch {
      // cancelled
    } finally {
      this.done = true;
      for (const wake of this.waiters) wake();
    }
  }

  /** The first event (from the start of the stream) that matches, waiting for it. */
  next(match: (e: Event) => boolean, after = 0): Promise<Event> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.slice(after).find(match);
        if (found) {
          cleanup();
          resolve(found);
        } else if (this.done) {
          cleanup();
          reject(new Error(`the stream ended; events: ${JSON.stringify(this.events)}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching event within ${WAIT_MS} ms; events: ${JSON.stringify(this.events)}`));
      }, WAIT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Waits until the server ends the stream. */
  ended(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the stream did not end')), WAIT_MS);
      const check = () => {
        if (!this.done) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  get all(): Event[] {
    return [...this.events];
  }

  /** Cancels the body (the server notices at its next write: not awaited). */
  close(): void {
    this.reader.cancel().catch(() => {});
  }
}

const invalidated = (keyId: string) => (e: Event) => e.event === 'invalidate' && (JSON.parse(e.data) as { keyIds?: string[] }).keyIds?.includes(keyId) === true;
const wholeTenant = (e: Event) => e.event === 'invalidate' && JSON.parse(e.data).tenant === true;

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
/** The resource server's own credential: a key holding keys:verify. */
let verifier: TestKey;
let otherVerifier: TestKey;
const streams: Stream[] = [];

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.app, 'Acme');
  other = await createTenant(t.app, 'Other');
  verifier = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
  otherVerifier = await createTestKey(t.app, other.id, { ownerId: other.owner.id, scopes: ['keys:verify'] });
});
afterAll(async () => {
  for (const s of streams) s.close();
  await t.close();
});

async function open(token: string, lastEventId?: string, app: TestApp = t): Promise<Stream> {
  const response = await app.fetch('/v1/invalidations', { headers: { authorization: `Bearer ${token}`, ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}) } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const stream = new Stream(response.body!.getReader());
  streams.push(stream);
  await stream.next((e) => e.event === 'ready');
  return stream;
}

const key = (options: Partial<Parameters<typeof createTestKey>[2]> = {}) =>
  createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read', 'tickets:write'], ...options });

async function mutate(query: string, variables: Record<string, unknown>): Promise<void> {
  const { data, errors } = await t.graphql(query, variables, { token: tenant.owner.token });
  expect(errors).toBeUndefined();
  const result = Object.values(data as Record<string, { __typename: string; message?: string }>)[0]!;
  expect(`${result.__typename} ${result.message ?? ''}`).toMatch(/Payload/);
}

describe('who may follow', () => {
  it('refuses no credential (401), one without keys:verify and the platform operator (403), and other methods (405)', async () => {
    expect((await t.fetch('/v1/invalidations')).status).toBe(401);
    const reader = await key({ scopes: ['tickets:read'] });
    const forbidden = await t.fetch('/v1/invalidations', { headers: { authorization: `Bearer ${reader.text}` } });
    expect(forbidden.status).toBe(403);
    expect(JSON.stringify(await forbidden.json())).toContain('keys:verify');
    const platform = await t.fetch('/v1/invalidations', { headers: { authorization: `Bearer ${await platformToken(t.app)}` } });
    expect(platform.status).toBe(403);
    expect((await t.fetch('/v1/invalidations', { method: 'POST', headers: { authorization: `Bearer ${verifier.text}` } })).status).toBe(405);
    const wrong = await t.fetch('/v1/invalidations', { headers: { authorization: `Bearer ${verifier.text.slice(0, -2)}xx` } });
    expect(wrong.status).toBe(401);
  });
});

describe('what the stream carries', () => {
  it('revoke, disable, rotate, scope and IP-rule changes and deletion each arrive as an event naming the key, with an id', async () => {
    const stream = await open(verifier.text);
    const keys = await Promise.all([key(), key(), key(), key(), key(), key()]);
    const [revoked, disabled, rotated, rescoped, ipRuled, deleted] = keys as [TestKey, TestKey, TestKey, TestKey, TestKey, TestKey];
    await mutate('mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { __typename } }', { input: { id: revoked.id, reason: 'leaked' } });
    await mutate('mutation($id: ID!) { disableKey(id: $id) { __typename } }', { id: disabled.id });
    await mutate('mutation($input: RotateKeyInput!) { rotateKey(input: $input) { __typename } }', { input: { id: rotated.id } });
    await mutate('mutation($input: UpdateKeyInput!) { updateKey(input: $input) { __typename ... on Error { message } } }', { input: { id: rescoped.id, scopes: ['keys:read'] } });
    await mutate('mutation($input: CreateIpRuleInput!) { createIpRule(input: $input) { __typename ... on Error { message } } }', { input: { apiKeyId: ipRuled.id, action: 'DENY', cidr: '198.51.100.0/24' } });
    await mutate('mutation($id: ID!) { deleteKey(id: $id) { __typename } }', { id: deleted.id });
    const ids: number[] = [];
    for (const k of keys) ids.push(Number((await stream.next(invalidated(k.id))).id));
    // Ids grow in the order the changes were made.
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    // The key text never travels on the stream.
    const raw = stream.raw.join('');
    for (const k of keys) expect(raw).not.toContain(k.secret);
    expect(raw).not.toContain(verifier.secret);
  });

  it('a role change reaches the stream as a whole-tenant change, and ends the stream (its own credential may have changed)', async () => {
    const stream = await open(verifier.text);
    const role = await t.graphql('mutation($input: CreateRoleInput!) { createRole(input: $input) { __typename ... on RolePayload { role { id } } } }', { input: { name: `r${Date.now()}`, scopes: ['audit:read'] } }, { token: tenant.owner.token });
    const roleId = role.data.createRole.role.id as string;
    await mutate('mutation($input: UpdateRoleInput!) { updateRole(input: $input) { __typename } }', { input: { id: roleId, scopes: ['keys:read'] } });
    await stream.next(wholeTenant);
    await stream.ended();
  });

  it("never carries another tenant's changes", async () => {
    const mine = await open(verifier.text);
    const theirs = await open(otherVerifier.text);
    const theirKey = await createTestKey(t.app, other.id, { ownerId: other.owner.id, scopes: [] });
    const myKey = await key();
    const { errors } = await t.graphql('mutation($id: ID!) { disableKey(id: $id) { __typename } }', { id: theirKey.id }, { token: other.owner.token });
    expect(errors).toBeUndefined();
    await mutate('mutation($id: ID!) { disableKey(id: $id) { __typename } }', { id: myKey.id });
    await theirs.next(invalidated(theirKey.id));
    await mine.next(invalidated(myKey.id));
    // Mine came after theirs was made: had it been delivered, it would be there by now.
    expect(mine.all.some(invalidated(theirKey.id))).toBe(false);
    expect(theirs.all.some(invalidated(myKey.id))).toBe(false);
    // Another tenant's key through my tenant's API: NOT_FOUND, and no event anywhere.
    const { data } = await t.graphql('mutation($id: ID!) { disableKey(id: $id) { __typename } }', { id: theirKey.id }, { token: tenant.owner.token });
    expect(data.disableKey.__typename).toBe('NotFoundError');
  });

  it('reaches a stream held on another instance of the same database', async () => {
    const second = await createTestApp({ db: t.app.db });
    try {
      const stream = await open(verifier.text, undefined, second);
      const k = await key();
      await mutate('mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { __typename } }', { input: { id: k.id, reason: 'gone' } });
      await stream.next(invalidated(k.id));
      stream.close();
    } finally {
      await second.close();
    }
  });
});

describe('resuming', () => {
  it('Last-Event-ID replays what came after it; an id too old, unknown or malformed answers reset', async () => {
    const first = await open(verifier.text);
    const [a, b] = [await key(), await key()];
    await mutate('mutation($id: ID!) { disableKey(id: $id) { __typename } }', { id: a.id });
    const seen = await first.next(invalidated(a.id));
    first.close(); 
    await mutate('mutation($id: ID!) { disableKey(id: $id) { __typename } }', { id: b.id });

    const resumed = await open(verifier.text, seen.id); 
    await resumed.next(invalidated(b.id));
    expect(resumed.all.some((e) => e.event === 'reset')).toBe(false);
    expect(resumed.all.some(invalidated(a.id))).toBe(false);

    for (const id of ['999999999', 'abc', '-1']) {
      const stream = await open(verifier.text, id);
      const reset = await stream.next((e) => e.event === 'reset');
      expect(Number(reset.id)).toBeGreaterThan(0);
      stream.close();
    }

    
    // Once the rows after an id are pruned, that id is too old.
    const c = await key();
    await mutate('mutation($id: ID!) { disableKey(id: $id) { __typename } }', { id: c.id });
    await resumed.next(invalidated(c.id));
    await t.app.verification.changes.prune(Date.now() + t.app.verification.changes.options.retentionMs + 1_000);
    const stale = await open(verifier.text, seen.id);
    await stale.next((e) => e.event === 'reset');
    // The newest is kept: resuming from it still continues.
    const newest = (await resumed.next(invalidated(c.id))).id!;
    const current = await open(verifier.text, newest);
    expect(current.all.some((e) => e.event === 'reset')).toBe(false);
    for (const s of [resumed, stale, current]) s.close(); 
  });
});

describe('cacheableUntil in the verdict', () => {
  it('is set for a plain key (never past its expiry) and null for keys with a rate limit or usage credits, on REST and GraphQL', async () => {
    const expiresAt = new Date(Date.now() + 20_000);
    const [plain, expiring, limited, credited] = [await key(), await key({ expiresAt }), await key({ rateLimitMax: 100, rateLimitWindowMs: 60_000 }), await key({ remainingUses: 100 })];
    const until = async (k: TestKey) => {
      const { status, body } = await verifyKey(t, verifier.text, { key: k.text });
      expect(status).toBe(200);
      expect(body.valid).toBe(true);
      return body.cacheableUntil as string | null;
    };
    expect(Date.parse((await until(plain))!)).toBeGreaterThan(Date.now());
    expect(Date.parse((await until(expiring))!)).toBeLessThanOrEqual(expiresAt.getTime());
    expect(await until(limited)).toBeNull();
    expect(await until(credited)).toBeNull();

    const query = 'query($input: VerifyInput!) { verify(input: $input) { valid cacheableUntil } }';
    const graphql = async (k: TestKey) => (await t.graphql(query, { input: { key: k.text } }, { token: verifier.text })).data.verify;
    expect((await graphql(plain)).cacheableUntil).toEqual(expect.any(String));
    expect((await graphql(limited)).cacheableUntil).toBeNull();
    const refused = await verifyKey(t, verifier.text, { key: plain.text, scopes: ['admin'] });
    expect(refused.body.cacheableUntil).toBeUndefined();
  });
});
