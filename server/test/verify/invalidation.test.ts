import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/logger.ts';
import { VerificationCaches } from '../../src/services/verification/caches.ts';
import { DEFAULT_VERIFICATION_OPTIONS, type VerificationOptions } from '../../src/services/verification/options.ts';
import { openTestDatabase, type TestDatabase } from '../harness/database.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';

// Two App instances on one database stand for two server processes (the real multi-process
// tests are in multiInstance.test.ts): a change announced on one drops the other's cache.

/** The application_name of an instance's LISTEN connection, as operators see it in pg_stat_activity. */
const LISTENER_NAME = 'keywarden-invalidation';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await (async () => {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
})();

let db: TestDatabase;
const apps: App[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await db.dispose();
});

async function instance(verification: Partial<VerificationOptions> = {}): Promise<App> {
  const config = loadConfig({ LOG_LEVEL: 'silent', KEYWARDEN_SERVER_SECRET: 'test-secret-test-secret-test-secret!' });
  const app = createApp({ config, db, logger: createLogger('silent'), verification });
  apps.push(app);
  await app.verification.ready();
  return app;
}

function verify(app: App, key: TestKey) {
  return app.verification.verify({ credential: { kind: 'text', text: key.text }, path: 'rest', tenantId: key.tenantId, ip: null, throttleAddress: '127.0.0.1', endpoint: null, requiredScopes: [] });
}

/** Polls until the instance refuses the key; returns how long that took. */
async function msUntilRefused(app: App, key: TestKey, limitMs = 1_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    const outcome = await verify(app, key);
    const elapsed = performance.now() - start;
    if (!outcome.valid) return elapsed;
    if (elapsed > limitMs) return Infinity;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function revokeVia(app: App, key: TestKey): Promise<void> {
  await db.prisma.apiKey.update({ where: { id: key.id }, data: { status: 'REVOKED' } });
  await app.invalidation.invalidate({ tenantId: key.tenantId, keyIds: [key.id] });
}

let tenant: TestTenant;
const newKey = async (app: App) => {
  tenant ??= await createTenant(app, 'Shared');
  return createTestKey(app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'] });
};

describe(`over the database's LISTEN/NOTIFY (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('a revocation announced on instance A is refused by instance B within a second', async () => {
    const a = await instance();
    const b = await instance();
    expect(b.verification.invalidation.transportNames).toEqual([process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite']);
    const key = await newKey(a);
    expect((await verify(a, key)).valid).toBe(true);
    expect((await verify(b, key)).valid).toBe(true); // now cached on B
    const received = b.verification.invalidation.received;
    await revokeVia(a, key);
    expect(await msUntilRefused(b, key)).toBeLessThan(1_000);
    expect(b.verification.invalidation.received).toBeGreaterThan(received);
    expect(b.verification.caches.getRecord(key.publicId)?.status ?? 'REVOKED').toBe('REVOKED');
  });

  it('a tenant-wide change drops every key of the tenant on the other instance', async () => {
    const a = await instance();
    const b = await instance();
    const [k1, k2] = [await newKey(a), await newKey(a)];
    await verify(b, k1);
    await verify(b, k2);
    await db.prisma.tenant.update({ where: { id: tenant.id }, data: { apiEnabled: false } });
    try {
      await a.invalidation.invalidate({ tenantId: tenant.id });
      expect(await msUntilRefused(b, k1)).toBeLessThan(1_000);
      expect((await verify(b, k2)).code).toBe('TENANT_DISABLED');
    } finally {
      await db.prisma.tenant.update({ where: { id: tenant.id }, data: { apiEnabled: true } });
      await a.invalidation.invalidate({ tenantId: tenant.id });
    }
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('a listener whose connection dies reconnects and drops its whole cache', async () => {
    const b = await instance();
    const key = await newKey(b);
    await verify(b, key);
    expect(b.verification.caches.getRecord(key.publicId)).toBeDefined();
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
        [LISTENER_NAME],
      );
      expect(killed.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    const deadline = Date.now() + 5_000;
    while (b.verification.caches.getRecord(key.publicId) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(b.verification.caches.getRecord(key.publicId)).toBeUndefined();
    while (!b.verification.invalidation.healthy && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(b.verification.invalidation.healthy).toBe(true);
    // And it listens again.
    await verify(b, key);
    const a = await instance();
    await revokeVia(a, key);
    expect(await msUntilRefused(b, key)).toBeLessThan(1_000);
  });
});

describe.skipIf(!redisUp)('over Redis pub/sub', () => {
  const redisOnly: Partial<VerificationOptions> = { redisUrl: REDIS_URL, databaseNotifications: false, redisPrefix: `kwtest-${process.pid}` };

  it('a revocation announced on instance A is refused by instance B within a second', async () => {
    const a = await instance(redisOnly);
    const b = await instance(redisOnly);
    expect(b.verification.invalidation.transportNames).toEqual(['redis']);
    const key = await newKey(a);
    await verify(b, key);
    await revokeVia(a, key);
    expect(await msUntilRefused(b, key)).toBeLessThan(1_000);
  });

  it('shares rate limits between instances', async () => {
    const a = await instance(redisOnly);
    const b = await instance(redisOnly);
    tenant ??= await createTenant(a, 'Shared');
    const key = await createTestKey(a, tenant.id, { ownerId: tenant.owner.id, rateLimitMax: 10, rateLimitWindowMs: 60_000 });
    const outcomes = [];
    for (let i = 0; i < 20; i++) outcomes.push(await verify(i % 2 ? a : b, key));
    expect(outcomes.filter((o) => o.valid)).toHaveLength(10);
    expect(outcomes.slice(10).every((o) => o.code === 'RATE_LIMITED')).toBe(true);
  });

  it('a subscriber that loses its connection reconnects and drops its whole cache', async () => {
    const b = await instance(redisOnly);
    const key = await newKey(b);
    await verify(b, key);
    expect(b.verification.caches.getRecord(key.publicId)).toBeDefined();
    const admin = new Redis(REDIS_URL);
    try {
      const clients = (await admin.client('LIST')) as string;
      const line = clients.split('\n').find((l) => l.includes(`name=${b.verification.redisListenerName} `));
      const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
      expect(id).toBeDefined();
      await admin.client('KILL', 'ID', id!);
    } finally {
      admin.disconnect();
    }
    const deadline = Date.now() + 5_000;
    while (b.verification.caches.getRecord(key.publicId) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(b.verification.caches.getRecord(key.publicId)).toBeUndefined();
    while (!b.verification.invalidation.healthy && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const a = await instance(redisOnly);
    await verify(b, key);
    await revokeVia(a, key);
    expect(await msUntilRefused(b, key)).toBeLessThan(1_000);
  });
});

describe('while no listener is connected', () => {
  it('cached entries are trusted only for a short time', async () => {
    const caches = new VerificationCaches({ ...DEFAULT_VERIFICATION_OPTIONS, redisUrl: null, degradedMaxAgeMs: 50 });
    const record = { id: 'key_1', tenantId: 'ten_1', publicId: 'pk_abc' } as never;
    caches.storeRecord('pk_abc', record, caches.generation);
    caches.setHealthy(false);
    expect(caches.getRecord('pk_abc')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(caches.getRecord('pk_abc')).toBeUndefined();
  });
});
