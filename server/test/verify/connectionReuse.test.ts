import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';

// A resource server presents the same credential on every request of a keep-alive connection:
// the connection's last proof of it is reused (no parse, HMAC or lookups), but never past a
// change, an expiry, a rotation grace, a different address, or for a key whose every request
// must count. These tests go over real sockets, as the server process serves them.

let t: TestApp;
let tenant: TestTenant;
let server: Listening;
let clockOffsetMs = 0;

beforeAll(async () => {
  t = await createTestApp({ env: { KEYWARDEN_TRUSTED_PROXIES: '127.0.0.1/32' }, clock: () => new Date(Date.now() + clockOffsetMs) });
  tenant = await createTenant(t.app, 'Reuse');
  server = await listen(t.app);
});
afterAll(async () => {
  await server.close();
  await t.close();
});
beforeEach(() => {
  clockOffsetMs = 0;
});

interface Answer {
  status: number;
  body: any;
  /** The client side port: the same number means the same TCP connection. */
  localPort: number;
}

/** One keep-alive TCP connection (an agent with a single socket), to this file's server unless told. */
function connection(toPort = server.port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (path: string, headers: Record<string, string>, body: unknown) =>
    new Promise<Answer>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port: toPort, path, method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
        const localPort = response.socket.localPort!;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), localPort }));
      });
      request.on('error', reject);
      request.end(JSON.stringify(body));
    });
  return {
    post,
    verify: (callerKey: string, target: TestKey, headers: Record<string, string> = {}) =>
      post('/v1/verify', { authorization: `Bearer ${callerKey}`, ...headers }, { key: target.text }),
    viewer: (callerKey: string) => post('/graphql', { authorization: `Bearer ${callerKey}` }, { query: '{ viewer { kind scopes } }' }),
    close: () => agent.destroy(),
  };
}

const reuses = () => t.app.verification.stats.connectionReuses;
const verifierKey = (options: Partial<Parameters<typeof createTestKey>[2]> = {}) =>
  createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify', 'keys:read'], ...options });

describe('the proof of a connection', () => {
  it('is reused for the same key on the same connection, and the key still counts as used every time', async () => {
    const caller = await verifierKey();
    const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
    const c = connection();
    try {
      const before = reuses();
      const answers = [await c.verify(caller.text, target), await c.verify(caller.text, target), await c.verify(caller.text, target)];
      expect(answers.map((a) => [a.status, a.body.valid])).toEqual([[200, true], [200, true], [200, true]]);
      expect(new Set(answers.map((a) => a.localPort)).size).toBe(1);
      expect(reuses() - before).toBe(2);
      await t.app.verification.usage.flush();
      const row = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: caller.id } });
      expect(Number(row.usageCount)).toBe(3);
      expect(row.lastUsedIp).toBe('127.0.0.1');
    } finally {
      c.close();
    }
  });

  it('serves the GraphQL API too', async () => {
    const caller = await verifierKey();
    const c = connection();
    try {
      const before = reuses();
      for (let i = 0; i < 3; i++) {
        const answer = await c.viewer(caller.text);
        expect(answer.body.data.viewer).toEqual({ kind: 'API_KEY', scopes: ['keys:read', 'keys:verify'] });
      }
      expect(reuses() - before).toBe(2);
    } finally {
      c.close();
    }
  });

  it('is not reused on another connection, nor for another key on the same connection', async () => {
    const caller = await verifierKey();
    const readerOnly = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'] });
    const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
    const [one, two] = [connection(), connection()];
    try {
      await one.verify(caller.text, target);
      const before = reuses();
      expect((await two.verify(caller.text, target)).status).toBe(200);
      expect(reuses()).toBe(before);
      // The same connection, another key: proved afresh, with that key's own scopes.
      const refused = await one.verify(readerOnly.text, target);
      expect(refused.status).toBe(403);
      expect(refused.body.error.missingScopes).toEqual(['keys:verify']);
      const wrongSecret = caller.text.slice(0, -10) + caller.text.slice(-10).split('').reverse().join('');
      expect((await one.verify(wrongSecret, target)).status).toBe(401);
      expect(reuses()).toBe(before);
    } finally {
      one.close();
      two.close();
    }
  });

  it('ends with a revocation: the next request on the connection is refused', async () => {
    const caller = await verifierKey();
    const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
    const c = connection();
    try {
      expect((await c.verify(caller.text, target)).status).toBe(200);
      expect((await c.verify(caller.text, target)).status).toBe(200);
      await t.app.db.prisma.apiKey.update({ where: { id: caller.id }, data: { status: 'REVOKED', revokedAt: new Date() } });
      await t.app.invalidation.invalidate({ tenantId: tenant.id, keyIds: [caller.id] });
      const after = await c.verify(caller.text, target);
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('UNAUTHENTICATED');
    } finally {
      c.close();
    }
  });

  it("ends at the key's expiry, with no invalidation needed", async () => {
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000);
    const caller = await verifierKey({ expiresAt });
    const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
    const c = connection();
    try {
      expect((await c.verify(caller.text, target)).status).toBe(200);
      clockOffsetMs = expiresAt.getTime() - Date.now() - 5_000;
      expect((await c.verify(caller.text, target)).status).toBe(200);
      clockOffsetMs = expiresAt.getTime() - Date.now() + 1;
      expect((await c.verify(caller.text, target)).status).toBe(401);
    } finally {
      c.close();
    }
  });

  it('ends when the grace of a rotated-out secret ends', async () => {
    const caller = await verifierKey();
    const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
    const graceEnds = new Date(Date.now() + 60_000);
    const c = connection();
    try {
      expect((await c.verify(caller.text, target)).status).toBe(200);
      // Rotated: the presented secret is now the previous one, accepted until graceEnds.
      const row = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: caller.id } });
      const replacement = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
      const newHash = (await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: replacement.id } })).secretHash;
      await t.app.db.prisma.apiKey.update({ where: { id: caller.id }, data: { secretHash: newHash, previousSecretHash: row.secretHash, previousSecretExpiresAt: graceEnds } });
      await t.app.invalidation.invalidate({ tenantId: tenant.id, keyIds: [caller.id] });
      expect((await c.verify(caller.text, target)).status).toBe(200);
      const before = reuses();
      expect((await c.verify(caller.text, target)).status).toBe(200);
      expect(reuses() - before).toBe(1);
      clockOffsetMs = graceEnds.getTime() - Date.now() + 1;
      expect((await c.verify(caller.text, target)).status).toBe(401);
    } finally {
      c.close();
    }
  });

  it('is not reused from another client address behind a trusted proxy: IP rules are checked again', async () => {
    const caller = await verifierKey({ ipRules: [{ action: 'ALLOW', cidr: '203.0.113.0/24' }] });
    const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
    const c = connection();
    try {
      expect((await c.verify(caller.text, target, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
      expect((await c.verify(caller.text, target, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
      expect((await c.verify(caller.text, target, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(401);
    } finally {
      c.close();
    }
  });

  it('is never kept for a key with a rate limit: every request counts against it', async () => {
    const caller = await verifierKey({ rateLimitMax: 3, rateLimitWindowMs: 60_000 });
    const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
    const c = connection();
    try {
      const before = reuses();
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await c.verify(caller.text, target)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(reuses()).toBe(before);
    } finally {
      c.close();
    }
  });

  it('is never kept for a key with usage credits: every request spends one', async () => {
    const caller = await verifierKey({ remainingUses: 2 });
    const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
    const c = connection();
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await c.verify(caller.text, target)).status);
      expect(statuses).toEqual([200, 200, 401]);
    } finally {
      c.close();
    }
  });

  it('is not trusted while no invalidation listener is connected', async () => {
    const caller = await verifierKey();
    const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
    const c = connection();
    t.app.verification.caches.setHealthy(false);
    try {
      await c.verify(caller.text, target);
      const before = reuses();
      expect((await c.verify(caller.text, target)).status).toBe(200);
      expect(reuses()).toBe(before);
    } finally {
      t.app.verification.caches.setHealthy(true);
      c.close();
    }
  });

  it('is never kept when the credential cache is off: every request is proved with argon2', async () => {
    const uncached = await createTestApp({ verification: { credentialCacheSize: 0 } });
    const other = await listen(uncached.app);
    const c = connection(other.port);
    try {
      const own = await createTenant(uncached.app, 'Uncached');
      const caller = await createTestKey(uncached.app, own.id, { ownerId: own.owner.id, scopes: ['keys:verify'] });
      const target = await createTestKey(uncached.app, own.id, { ownerId: own.owner.id });
      const hashesBefore = uncached.app.verification.stats.argon2Verifies;
      for (let i = 0; i < 3; i++) expect((await c.verify(caller.text, target)).status).toBe(200);
      expect(uncached.app.verification.stats.connectionReuses).toBe(0);
      // Three requests, two keys each (caller and target), argon2 for every one.
      expect(uncached.app.verification.stats.argon2Verifies - hashesBefore).toBe(6);
    } finally {
      c.close();
      await other.close();
      await uncached.close();
    }
  });

  it("answers verdicts of every length in full on one connection, through Yoga's own node handler too", async () => {
    // Hosts may serve the app with http.createServer(app.yoga): /v1/verify then answers from a plugin.
    const viaYoga = await listen(t.app, t.app.yoga);
    const caller = await verifierKey();
    const target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'] });
    const connections = [connection(), connection(viaYoga.port)];
    try {
      for (const c of connections) {
        const answers = [];
        for (const scopes of [['tickets:read'], ['tickets:write'], [], ['tickets:read', 'x:y']]) {
          answers.push(await c.post('/v1/verify', { authorization: `Bearer ${caller.text}` }, { key: target.text, scopes }));
        }
        expect(answers.map((a) => a.body.code)).toEqual(['VALID', 'INSUFFICIENT_SCOPES', 'VALID', 'INSUFFICIENT_SCOPES']);
        expect(new Set(answers.map((a) => a.localPort)).size).toBe(1);
      }
    } finally {
      for (const c of connections) c.close();
      await viaYoga.close();
    }
  });
});
