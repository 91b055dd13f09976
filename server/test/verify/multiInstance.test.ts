import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.ts';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/logger.ts';
import { openTestDatabase, type TestDatabase } from '../harness/database.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';
import { startServerProcess, type ServerProcess } from '../harness/serverProcess.ts';

// Real server processes on one PostgreSQL database (PGlite is one process, so these run in the
// PostgreSQL pass only): revocations reach the other instance within a second, over LISTEN/NOTIFY
// and over Redis; rate limits hold across instances with Redis; usage survives SIGTERM.

const DATABASE = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let db: TestDatabase;
let setup: App;
let tenant: TestTenant;
/** The resource servers' credential (holds keys:verify). */
let resourceServer: TestKey;

async function verify(server: ServerProcess, key: TestKey, body: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/v1/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${resourceServer.text}` },
    body: JSON.stringify({ key: key.text, ...body }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { valid: boolean; code: string; rateLimit?: unknown };
}

async function revokeThrough(server: ServerProcess, key: TestKey): Promise<void> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.owner.token}` },
    body: JSON.stringify({ query: 'mutation ($id: ID!) { revokeKey(input: { id: $id, reason: "test" }) { __typename } }', variables: { id: key.id } }),
  });
  const body = await response.json();
  expect(body.errors).toBeUndefined();
  expect(body.data.revokeKey.__typename).toBe('ApiKeyPayload');
}

/** A GraphQL mutation through one instance, as the tenant's owner; the field's result. */
async function mutate(server: ServerProcess, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.owner.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  expect(body.errors).toBeUndefined();
  return Object.values(body.data as object)[0] as Record<string, any>;
}

/** Polls the instance until it refuses the key; the time from the revocation's answer. */
async function msUntilRefused(server: ServerProcess, key: TestKey): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < 2_000) {
    if (!(await verify(server, key)).valid) return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Infinity;
}

async function stop(server: ServerProcess | undefined): Promise<number | null> {
  if (!server || server.child.exitCode !== null) return server?.child.exitCode ?? null;
  server.child.kill('SIGTERM');
  return server.exited;
}

describe.skipIf(!DATABASE)('several server processes (PostgreSQL; skipped on PGlite, which is one process)', () => {
  beforeAll(async () => {
    db = await openTestDatabase();
    setup = createApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), db, logger: createLogger('silent'), verification: { databaseNotifications: false } });
    tenant = await createTenant(setup, 'Multi');
    resourceServer = await createTestKey(setup, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
  });
  afterAll(async () => {
    await setup?.close();
    await db?.dispose();
  });

  const base = () => ({ DATABASE_URL: db.url!, KEYWARDEN_MIGRATE_ON_START: 'false', KEYWARDEN_BOOTSTRAP_ON_START: 'false' });
  const key = (options: Partial<Parameters<typeof createTestKey>[2]> = {}) =>
    createTestKey(setup, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'], ...options });

  describe('over PostgreSQL LISTEN/NOTIFY', () => {
    let a: ServerProcess;
    let b: ServerProcess;
    beforeAll(async () => {
      [a, b] = await Promise.all([
        startServerProcess({ ...base(), KEYWARDEN_USAGE_FLUSH_MS: '600000' }),
        startServerProcess(base()),
      ]);
    });
    afterAll(async () => {
      await Promise.all([stop(a), stop(b)]);
    });

    it('a key revoked through instance A is refused by instance B within a second', async () => {
      const k = await key();
      expect((await verify(a, k)).valid).toBe(true);
      expect((await verify(b, k)).valid).toBe(true); // cached on B
      await revokeThrough(a, k);
      expect(await msUntilRefused(b, k)).toBeLessThan(1_000);
    });

    it('usage counted by an instance is all written when it stops on SIGTERM', async () => {
      const k = await key();
      const before = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: resourceServer.id } });
      const uses = 25;
      await Promise.all(Array.from({ length: uses }, () => verify(a, k, { ip: '192.0.2.9' })));
      // A's flush interval is ten minutes: nothing is written until it stops.
      expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } })).usageCount).toBe(0n);
      expect(await stop(a)).toBe(0);
      const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } });
      expect(row.usageCount).toBe(BigInt(uses));
      expect(row.lastUsedIp).toBe('192.0.2.9');
      // The resource server's own key was used for every request too.
      const server = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: resourceServer.id } });
      expect(server.usageCount - before.usageCount).toBeGreaterThanOrEqual(BigInt(uses));
    });
  });

  describe('over Redis pub/sub, with shared rate limits', () => {
    let c: ServerProcess;
    let d: ServerProcess;
    beforeAll(async () => {
      const redisOnly = { ...base(), REDIS_URL, KEYWARDEN_DB_NOTIFICATIONS: 'false', KEYWARDEN_REDIS_PREFIX: `kwtest-${process.pid}` };
      [c, d] = await Promise.all([startServerProcess(redisOnly), startServerProcess(redisOnly)]);
    });
    afterAll(async () => {
      await Promise.all([stop(c), stop(d)]);
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`kwtest-${process.pid}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });

    it('a key revoked through instance C is refused by instance D within a second (Redis only)', async () => {
      const k = await key();
      expect((await verify(c, k)).valid).toBe(true);
      expect((await verify(d, k)).valid).toBe(true);
      await revokeThrough(c, k);
      expect(await msUntilRefused(d, k)).toBeLessThan(1_000);
    });

    it('a rate limit of N per window, set through the API, admits N (± 5%) across both instances', async () => {
      const N = 40;
      const k = await key();
      // Verified once without a limit, so both instances hold the key's record in their caches.
      expect((await verify(c, k)).valid).toBe(true);
      expect((await verify(d, k)).valid).toBe(true);
      const updated = await mutate(c, 'mutation ($input: UpdateKeyInput!) { updateKey(input: $input) { __typename ... on ApiKeyPayload { apiKey { rateLimit { limit windowMs } } } } }', {
        input: { id: k.id, rateLimit: { limit: N, windowMs: 60_000 } },
      });
      expect(updated).toEqual({ __typename: 'ApiKeyPayload', apiKey: { rateLimit: { limit: N, windowMs: 60_000 } } });
      // D learns of the change over Redis: its next verdicts count.
      // The one verdict that shows the limit was counted in the window.
      let seen = 0;
      const start = performance.now();
      while (performance.now() - start < 2_000) {
        if ((await verify(d, k)).rateLimit != null) {
          seen = 1;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(seen).toBe(1);
      const answers = await Promise.all(Array.from({ length: 2 * N }, (_, i) => verify(i % 2 ? c : d, k)));
      const admitted = answers.filter((a) => a.valid).length + seen;
      expect(admitted).toBeGreaterThanOrEqual(Math.floor(N * 0.95));
      expect(admitted).toBeLessThanOrEqual(Math.ceil(N * 1.05));
      expect(answers.filter((a) => !a.valid).every((a) => a.code === 'RATE_LIMITED')).toBe(true);
    });

    it('usage credits and an identity\'s named limit, set through the API, hold across both instances', async () => {
      const CREDITS = 30;
      const k1 = await key();
      const k2 = await key();
      for (const k of [k1, k2]) {
        expect((await verify(c, k)).valid).toBe(true);
        expect((await verify(d, k)).valid).toBe(true);
      }
      const UPDATE = 'mutation ($input: UpdateKeyInput!) { updateKey(input: $input) { __typename } }';
      expect(await mutate(d, UPDATE, { input: { id: k1.id, credits: { remaining: CREDITS }, externalId: 'cust-multi' } })).toEqual({ __typename: 'ApiKeyPayload' });
      expect(await mutate(c, UPDATE, { input: { id: k2.id, externalId: 'cust-multi' } })).toEqual({ __typename: 'ApiKeyPayload' });
      const set = await mutate(c, 'mutation ($input: SetIdentityLimitsInput!) { setIdentityLimits(input: $input) { __typename } }', {
        input: { externalId: 'cust-multi', namedRateLimits: [{ name: 'exports', limit: 10, windowMs: 60_000 }] },
      });
      expect(set).toEqual({ __typename: 'IdentityPayload' });
      // Both instances dropped their records: the identity's limit is known to each within a second.
      for (const server of [c, d]) {
        const start = performance.now();
        while ((await verify(server, k2, { rateLimits: [{ name: 'exports', cost: 0 }] })).code === 'UNKNOWN_RATE_LIMIT' && performance.now() - start < 2_000) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      // Ten exports for the identity, charged by two keys on two instances.
      const exports = await Promise.all(Array.from({ length: 20 }, (_, i) => verify(i % 2 ? c : d, i % 4 < 2 ? k1 : k2, { rateLimits: [{ name: 'exports' }] })));
      expect(exports.filter((e) => e.valid).length).toBe(10);
      expect(exports.filter((e) => !e.valid).every((e) => e.code === 'RATE_LIMITED')).toBe(true);
      // k1's credits: the exports above spent some (those admitted through k1); the rest go across both instances, never below zero.
      const spent = exports.filter((e, i) => e.valid && i % 4 < 2).length;
      const answers = await Promise.all(Array.from({ length: 2 * CREDITS }, (_, i) => verify(i % 2 ? c : d, k1)));
      expect(answers.filter((e) => e.valid).length).toBe(CREDITS - spent);
      expect(answers.filter((e) => !e.valid).every((e) => e.code === 'USAGE_EXCEEDED')).toBe(true);
      expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: k1.id } })).remainingUses).toBe(0);
    });
  });
});
