import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestApp } from '../harness/app.ts';
import { createTestKey, verifyKey } from '../harness/keys.ts';
import { formatKey } from '@keywarden/sdk/key-format';
import { generateSecret } from '../../src/domain/keyFormat.ts';
import { verifySecret } from '../../src/domain/secrets.ts';

// What keeps the hot path fast and hard to abuse: format checks before any I/O, the verified-
// credential cache, failed-attempt throttles, the bounded argon2 limiter, atomic usage credits,
// batched usage writes and hash upgrades.

/** argon2 verify behind a gate the test opens, counting the calls. */
const gate = {
  calls: 0,
  holding: false,
  waiters: [] as (() => void)[],
  release() {
    this.holding = false;
    for (const w of this.waiters.splice(0)) w();
  },
};

let t: TestApp;
let tenant: TestTenant;
let caller: string;

beforeAll(async () => {
  t = await createTestApp({
    verification: {
      hashConcurrency: 1,
      hashQueueSize: 2,
      failedAttemptsPerKey: 3,
      failedAttemptsPerAddress: 1000,
      usageFlushIntervalMs: 60_000,
      verifySecret: async (hash, secret) => {
        gate.calls++;
        if (gate.holding) await new Promise<void>((resolve) => gate.waiters.push(resolve));
        return verifySecret(hash, secret);
      },
    },
  });
  tenant = await createTenant(t.app, 'Defended');
  // The resource server authenticates with a session: no argon2 on the caller's side.
  caller = tenant.owner.token;
});
afterAll(() => t.close());
// A failed assertion must not leave argon2 held for the tests after it.
afterEach(() => gate.release());

const newKey = (options: Partial<Parameters<typeof createTestKey>[2]> = {}) =>
  createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'], ...options });
const stats = () => ({ ...t.app.verification.stats });

describe('before any work', () => {
  it('rejects a bad checksum or malformed key with no database lookup and no argon2', async () => {
    const k = await newKey();
    const before = stats();
    const flipped = k.text.slice(0, -2) + (k.text.at(-2) === 'a' ? 'b' : 'a') + k.text.at(-1);
    for (const text of [flipped, k.text.slice(0, -1), 'kw_pk_' + 'x'.repeat(60), 'sk_live_0123456789']) {
      expect((await verifyKey(t, caller, { key: text })).body.code).toBe('NOT_FOUND');
    }
    const after = stats();
    expect(after.dbLookups).toBe(before.dbLookups);
    expect(after.argon2Verifies).toBe(before.argon2Verifies);
    expect(after.rejectedByFormat - before.rejectedByFormat).toBe(4);
  });

  it('refuses a denied key (revoked) without hashing its secret', async () => {
    const k = await newKey({ status: 'REVOKED' });
    const before = stats();
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('REVOKED');
    expect(stats().argon2Verifies).toBe(before.argon2Verifies);
  });
});

describe('verified-credential cache', () => {
  it('pays argon2 once, then answers from the cache', async () => {
    const k = await newKey();
    const before = stats();
    for (let i = 0; i < 5; i++) expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('VALID');
    const after = stats();
    expect(after.argon2Verifies - before.argon2Verifies).toBe(1);
    expect(after.credentialCacheHits - before.credentialCacheHits).toBe(4);
    expect(after.dbLookups - before.dbLookups).toBe(1);
  });

  it('one argon2 for a burst of concurrent first uses of one key', async () => {
    const k = await newKey();
    const before = stats();
    const answers = await Promise.all(Array.from({ length: 8 }, () => verifyKey(t, caller, { key: k.text })));
    expect(answers.map((a) => a.body.code)).toEqual(Array(8).fill('VALID'));
    expect(stats().argon2Verifies - before.argon2Verifies).toBe(1);
  });

  it('invalidation drops the entries of a key, and of a whole tenant', async () => {
    const a = await newKey();
    const b = await newKey();
    await verifyKey(t, caller, { key: a.text });
    await verifyKey(t, caller, { key: b.text });
    const { caches } = t.app.verification;
    expect(caches.getRecord(a.publicId)).toBeDefined();
    expect(caches.getRecord(b.publicId)).toBeDefined();

    await t.app.invalidation.invalidate({ tenantId: tenant.id, keyIds: [a.id] });
    expect(caches.getRecord(a.publicId)).toBeUndefined();
    expect(caches.getRecord(b.publicId)).toBeDefined();

    const before = stats();
    expect((await verifyKey(t, caller, { key: a.text })).body.code).toBe('VALID');
    expect(stats().argon2Verifies - before.argon2Verifies).toBe(1); // the credential entry went too

    await t.app.invalidation.invalidate({ tenantId: tenant.id });
    expect(caches.getRecord(a.publicId)).toBeUndefined();
    expect(caches.getRecord(b.publicId)).toBeUndefined();
  });

  it('sees a revocation at once after invalidate (and a stale read cannot refill the cache)', async () => {
    const k = await newKey();
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('VALID');
    await t.app.db.prisma.apiKey.update({ where: { id: k.id }, data: { status: 'REVOKED' } });
    await t.app.invalidation.invalidate({ tenantId: tenant.id, keyIds: [k.id] });
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('REVOKED');

    // A load that started before an invalidation does not store its result.
    const { caches } = t.app.verification;
    const stale = caches.getRecord(k.publicId);
    expect(stale).toBeDefined();
    const generation = caches.generation;
    await t.app.invalidation.invalidate({ tenantId: tenant.id, keyIds: [k.id] });
    caches.storeRecord(k.publicId, stale!, generation);
    expect(caches.getRecord(k.publicId)).toBeUndefined();
    caches.storeRecord(k.publicId, stale!, caches.generation);
    expect(caches.getRecord(k.publicId)).toBe(stale);
  });
});

describe('failed attempts', () => {
  it('throttles guesses per public id before hashing, while the real key keeps working from the cache', async () => {
    const k = await newKey();
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('VALID');
    const guess = () => formatKey('kw', k.publicId, generateSecret());
    for (let i = 0; i < 3; i++) expect((await verifyKey(t, caller, { key: guess() })).body.code).toBe('NOT_FOUND');
    const before = stats();
    for (let i = 0; i < 5; i++) {
      const { status, body } = await verifyKey(t, caller, { key: guess() });
      expect(status).toBe(200);
      expect(body).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
      expect(body.retryAfter).toBeGreaterThan(0);
    }
    expect(stats().argon2Verifies).toBe(before.argon2Verifies);
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('VALID');
  });

  it('throttles a source address that keeps presenting unknown keys, before any lookup', async () => {
    const strict = await createTestApp({ verification: { failedAttemptsPerAddress: 3 } });
    try {
      const owner = (await createTenant(strict.app)).owner.token;
      const unknown = () => formatKey('kw', `pk_${generateSecret().slice(0, 20)}`, generateSecret());
      for (let i = 0; i < 3; i++) expect((await verifyKey(strict, owner, { key: unknown(), ip: '198.51.100.4' })).body.code).toBe('NOT_FOUND');
      const lookups = strict.app.verification.stats.dbLookups;
      expect((await verifyKey(strict, owner, { key: unknown(), ip: '198.51.100.4' })).body.code).toBe('RATE_LIMITED');
      expect(strict.app.verification.stats.dbLookups).toBe(lookups);
      // Another end client of the same resource server is not affected.
      expect((await verifyKey(strict, owner, { key: unknown(), ip: '198.51.100.5' })).body.code).toBe('NOT_FOUND');
    } finally {
      await strict.close();
    }
  });

  it('on the management API a throttled credential gets 429 with Retry-After', async () => {
    const k = await newKey({ scopes: ['keys:read'] });
    const guess = formatKey('kw', k.publicId, generateSecret());
    for (let i = 0; i < 3; i++) {
      const wrong = await t.graphql('{ viewer { kind } }', {}, { token: guess });
      expect(wrong.status).toBe(401);
    }
    const throttled = await t.graphql('{ viewer { kind } }', {}, { token: guess });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('argon2 concurrency limit', () => {
  /** The first `n` answers to arrive (the held ones cannot), or an error after a few seconds. */
  async function firstAnswers<T>(pending: Promise<T>[], n: number): Promise<T[]> {
    const arrived: T[] = [];
    return new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${arrived.length} of ${n} answers came while argon2 was held`)), 5_000);
      for (const p of pending) {
        void p.then((value) => {
          arrived.push(value);
          if (arrived.length === n) {
            clearTimeout(timer);
            resolve(arrived);
          }
        }, reject);
      }
    });
  }

  it('answers 503 with Retry-After when the hashing queue is full, instead of queueing', async () => {
    const keys = await Promise.all(Array.from({ length: 6 }, () => newKey()));
    gate.holding = true;
    const callsBefore = gate.calls;
    const pending = keys.map((k) => verifyKey(t, caller, { key: k.text }));
    // 1 running + 2 queued; the other 3 are refused at once, while argon2 is still held.
    const refused = await firstAnswers(pending, 3);
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.body.error.code).toBe('OVERLOADED');
    }
    expect(gate.calls - callsBefore).toBe(1);
    gate.release();
    const all = await Promise.all(pending);
    expect(all.filter((r) => r.body?.code === 'VALID')).toHaveLength(3);
    expect(t.app.verification.verifier.hashLimiter.active).toBe(0);
  });

  it('GraphQL verify answers RATE_LIMITED (429) with Retry-After when overloaded', async () => {
    const keys = await Promise.all(Array.from({ length: 4 }, () => newKey()));
    gate.holding = true;
    const query = 'query ($k: String!) { verify(input: { key: $k }) { code } }';
    const pending = keys.map((k) => t.graphql(query, { k: k.text }, { token: caller }));
    const [refused] = await firstAnswers(pending, 1);
    expect(refused!.status).toBe(429);
    expect(refused!.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused!.headers.get('retry-after')).toBe('1');
    gate.release();
    expect((await Promise.all(pending)).filter((r) => r.data?.verify?.code === 'VALID')).toHaveLength(3);
  });
});

describe('usage credits and counters', () => {
  it('spends exactly the remaining uses under concurrency', async () => {
    const k = await newKey({ remainingUses: 10 });
    await verifyKey(t, caller, { key: k.text, scopes: ['nothing:here'] }); // warm the cache without spending
    const answers = await Promise.all(Array.from({ length: 30 }, () => verifyKey(t, caller, { key: k.text })));
    const codes = answers.map((a) => a.body.code);
    expect(codes.filter((c) => c === 'VALID')).toHaveLength(10);
    expect(codes.filter((c) => c === 'USAGE_EXCEEDED')).toHaveLength(20);
    expect(answers.filter((a) => a.body.valid).map((a) => a.body.remainingUses).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } })).remainingUses).toBe(0);
  });

  it('refills the credits once the interval has passed', async () => {
    const k = await newKey({ remainingUses: 0, refillAmount: 3, refillIntervalSeconds: 60, lastRefillAt: new Date(Date.now() - 61_000) });
    expect((await verifyKey(t, caller, { key: k.text })).body.remainingUses).toBe(2);
    expect((await verifyKey(t, caller, { key: k.text })).body.remainingUses).toBe(1);
    expect((await verifyKey(t, caller, { key: k.text })).body.remainingUses).toBe(0);
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('USAGE_EXCEEDED');
  });

  it('wrong secrets spend neither credits nor rate limit', async () => {
    const k = await newKey({ remainingUses: 1, rateLimitMax: 1, rateLimitWindowMs: 60_000 });
    await verifyKey(t, caller, { key: formatKey('kw', k.publicId, generateSecret()) });
    const { body } = await verifyKey(t, caller, { key: k.text });
    expect(body).toMatchObject({ code: 'VALID', remainingUses: 0, rateLimit: { limit: 1, remaining: 0 } });
  });

  it('writes last use and counters in batches, not per request', async () => {
    const k = await newKey();
    await t.app.verification.usage.flush();
    for (let i = 0; i < 5; i++) await verifyKey(t, caller, { key: k.text, ip: '192.0.2.44' });
    let row = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } });
    expect(row.usageCount).toBe(0n); // nothing written yet (flush interval is a minute here)
    await t.app.verification.usage.flush();
    row = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } });
    expect(row.usageCount).toBe(5n);
    expect(row.lastUsedIp).toBe('192.0.2.44');
    expect(row.lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('hash upgrades', () => {
  it('re-hashes a secret stored with other argon2 parameters after a successful verify', async () => {
    const k = await newKey({ argon2: { memoryCost: 8192, timeCost: 1, parallelism: 1 } });
    const before = (await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } })).secretHash;
    expect(before).toContain('m=8192,t=1');
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('VALID');
    await t.app.verification.verifier.drain();
    const after = (await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } })).secretHash;
    expect(after).toContain(`m=${t.app.config.argon2.memoryCost},t=${t.app.config.argon2.timeCost}`);
    const argon2 = stats().argon2Verifies;
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('VALID');
    expect(stats().argon2Verifies).toBe(argon2); // the cache follows the new hash
  });
});
