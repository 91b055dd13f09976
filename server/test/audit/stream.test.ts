import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/logger.ts';
import { newId } from '../../src/domain/ids.ts';
import { recordAudit } from '../../src/services/audit.ts';
import { auditHash } from './hash.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { memberWithScopes } from '../harness/authCases.ts';
import { openTestDatabase, type TestDatabase } from '../harness/database.ts';
import { createTenant, platformToken, type TestTenant } from '../harness/fixtures.ts';
import { startServerProcess, type ServerProcess } from '../harness/serverProcess.ts';
import { SseSubscription, delay, expectNoSecretsInAudit, type Fetcher } from './support.ts';

// The `auditEvents` subscription over SSE: live events in seq order, only the caller's tenant,
// resumable with afterId without gaps or repeats, and (PostgreSQL) across server processes.

const RENAME = `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { __typename } }`;
const DATABASE = process.env.TEST_DATABASE_URL;

describe('in one process', () => {
  let t: TestApp;
  let platform: string;
  const plaintexts: string[] = [];
  // Over a real socket: closing it is how a client disconnects (and how the server notices).
  let server: http.Server;
  let baseUrl: string;
  const fetcher: Fetcher = (path, init) => fetch(`${baseUrl}${path}`, init);
  const opened: SseSubscription[] = [];
  async function open(token: string | null, variables: Record<string, unknown> = {}): Promise<SseSubscription> {
    const stream = await SseSubscription.open(fetcher, token, variables);
    opened.push(stream);
    return stream;
  }

  beforeAll(async () => {
    t = await createTestApp();
    platform = await platformToken(t.app);
    plaintexts.push(platform);
    server = http.createServer(t.app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    server?.close();
    if (t) await expectNoSecretsInAudit(t.app, plaintexts);
    await t?.close();
  });

  // Each test starts with no stream open in the server, and leaves none open even when it fails.
  beforeEach(async () => {
    await until(() => t.app.auditStream.openStreams === 0);
  });
  afterEach(() => {
    for (const stream of opened.splice(0)) stream.close();
  });

  async function tenant(): Promise<TestTenant> {
    const made = await createTenant(t.app);
    plaintexts.push(made.owner.token);
    return made;
  }

  async function rename(tenantId: string, name: string, token = platform): Promise<void> {
    const response = await t.graphql(RENAME, { input: { id: tenantId, name } }, { token });
    expect(response.data?.updateTenant.__typename, JSON.stringify(response.errors)).toBe('TenantPayload');
  }

  const eventsOf = (tenantId: string) => t.app.db.prisma.auditEvent.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } });

  async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await delay(20);
    }
  }

  it('delivers events committed after it started, in seq order, and nothing older', async () => {
    const a = await tenant();
    await rename(a.id, 'Before');
    const stream = await open(a.owner.token);
    for (const name of ['One', 'Two', 'Three']) await rename(a.id, name);
    const received = await stream.events(3);
    const stored = (await eventsOf(a.id)).slice(1);
    expect(received).toEqual(stored.map((e) => ({ id: e.id, seq: e.seq, action: 'tenant.updated', targetId: a.id, tenantId: a.id, actorType: 'PLATFORM' })));
    await stream.expectQuiet(300);
    stream.close();
  });

  it('delivers events written concurrently, each once, in seq order', async () => {
    const a = await tenant();
    const stream = await open(a.owner.token);
    await Promise.all(Array.from({ length: 15 }, (_, i) =>
      t.app.db.prisma.$transaction((tx) => recordAudit(tx, { caller: { kind: 'platform', credentialId: 'plt_x' }, request: { id: `r${i}`, ip: '192.0.2.1', userAgent: null } }, { tenantId: a.id, action: 'test.burst' }))));
    const received = await stream.events(15);
    expect(received.map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    await stream.expectQuiet(300);
    stream.close();
  });

  it("never delivers another tenant's events", async () => {
    const a = await tenant();
    const b = await tenant();
    const stream = await open(a.owner.token);
    await rename(b.id, 'Theirs');
    await rename(b.id, 'Theirs again');
    await rename(a.id, 'Ours');
    const [event] = await stream.events(1);
    expect(event).toMatchObject({ tenantId: a.id, action: 'tenant.updated' });
    await stream.expectQuiet(300);
    stream.close();
  });

  it('never delivers an event whose transaction rolled back', async () => {
    const a = await tenant();
    const stream = await open(a.owner.token);
    await expect(t.app.db.prisma.$transaction(async (tx) => {
      await recordAudit(tx, { caller: { kind: 'platform', credentialId: 'plt_x' }, request: { id: 'r', ip: '192.0.2.1', userAgent: null } }, { tenantId: a.id, action: 'test.rolled_back' });
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    await rename(a.id, 'Committed');
    expect((await stream.events(1))[0]).toMatchObject({ seq: 1, action: 'tenant.updated' });
    await stream.expectQuiet(300);
    stream.close();
  });

  it('resumes after a disconnect with exactly the missed events, then follows live ones', async () => {
    const a = await tenant();
    const first = await open(a.owner.token);
    await rename(a.id, 'Seen');
    const [seen] = await first.events(1);
    first.close();
    await until(() => t.app.auditStream.openStreams === 0);

    for (const name of ['Missed 1', 'Missed 2', 'Missed 3']) await rename(a.id, name);
    const resumed = await open(a.owner.token, { afterId: seen.id });
    const missed = await resumed.events(3);
    expect(missed.map((e) => e.seq)).toEqual([seen.seq + 1, seen.seq + 2, seen.seq + 3]);
    expect(missed.map((e) => e.id)).toEqual((await eventsOf(a.id)).slice(1).map((e) => e.id));
    await rename(a.id, 'Live');
    expect((await resumed.events(1))[0].seq).toBe(seen.seq + 4);
    await resumed.expectQuiet(300);
    resumed.close();
  });

  it('delivers an event whose notification was lost, by re-reading', async () => {
    const a = await tenant();
    const options = t.app.auditStream.options;
    const saved = options.pollIntervalMs;
    options.pollIntervalMs = 200;
    try {
      const stream = await open(a.owner.token);
      // Written without recordAudit, so no NOTIFY is sent.
      const event = { id: newId('aud'), tenantId: a.id, seq: 1, actorType: 'SYSTEM' as const, actorId: null, actorPublicId: null, action: 'test.silent', targetType: null, targetId: null, ip: null, userAgent: null, requestId: null, changes: null, createdAt: new Date(), prevHash: '0'.repeat(64) };
      await t.app.db.prisma.auditEvent.create({ data: { ...event, changes: undefined, hash: auditHash(event) } });
      expect((await stream.events(1, 2_000))[0]).toMatchObject({ id: event.id, action: 'test.silent' });
      stream.close();
    } finally {
      options.pollIntervalMs = saved;
    }
  });

  it('ends after its maximum lifetime', async () => {
    const a = await tenant();
    const options = t.app.auditStream.options;
    const saved = options.maxStreamMs;
    options.maxStreamMs = 300;
    try {
      const stream = await open(a.owner.token);
      expect((await stream.message(3_000)).event).toBe('complete');
    } finally {
      options.maxStreamMs = saved;
    }
    await until(() => t.app.auditStream.openStreams === 0);
  });

  it('stops reading when the client disconnects', async () => {
    const a = await tenant();
    const stream = await open(a.owner.token);
    expect(t.app.auditStream.openStreams).toBe(1);
    stream.close();
    await until(() => t.app.auditStream.openStreams === 0);
  });

  describe('who may subscribe', () => {
    async function refusal(token: string | null, variables: Record<string, unknown> = {}) {
      const stream = await open(token, variables);
      const message = await stream.message();
      stream.close();
      expect(message.event).toBe('next');
      expect(message.data.data ?? null).toBeNull();
      return message.data.errors?.[0]?.extensions?.code;
    }

    it('refuses callers without a credential or without audit:read', async () => {
      const a = await tenant();
      const member = await a.addMember('MEMBER');
      plaintexts.push(member.token);
      expect(await refusal(null)).toBe('UNAUTHENTICATED');
      expect(await refusal(member.token)).toBe('FORBIDDEN');
      expect(t.app.auditStream.openStreams, 'a refused subscription opens no stream').toBe(0);
    });

    it("refuses another tenant's id or event id as NOT_FOUND", async () => {
      const a = await tenant();
      const b = await tenant();
      await rename(b.id, 'Theirs');
      const [theirs] = await eventsOf(b.id);
      expect(await refusal(a.owner.token, { tenantId: b.id })).toBe('NOT_FOUND');
      expect(await refusal(a.owner.token, { afterId: theirs!.id })).toBe('NOT_FOUND');
      expect(await refusal(a.owner.token, { afterId: 'aud_00000000000000000000000000' })).toBe('NOT_FOUND');
    });

    it('lets an audit:read holder and the platform operator (naming the tenant) follow', async () => {
      const a = await tenant();
      const reader = await memberWithScopes(t, a, ['audit:read']);
      plaintexts.push(reader.token);
      expect(await refusal(platform)).toBe('VALIDATION_FAILED');
      const asReader = await open(reader.token);
      const asPlatform = await open(platform, { tenantId: a.id });
      await rename(a.id, 'Watched');
      const [r] = await asReader.events(1);
      const [p] = await asPlatform.events(1);
      expect(r).toEqual(p);
      expect(r.tenantId).toBe(a.id);
      asReader.close();
      asPlatform.close();
    });
  });

  it('ends open streams when the app closes', async () => {
    const db = await openTestDatabase();
    const app = createApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), db, logger: createLogger('silent') });
    try {
      const own = await createTenant(app);
      const stream = await SseSubscription.open((path, init) => Promise.resolve(app.yoga.fetch(`http://keywarden.test${path}`, init)), own.owner.token);
      await app.close();
      expect((await stream.message(3_000)).event).toBe('complete');
    } finally {
      await app.close();
      await db.dispose();
    }
  });
});

// Real server processes on one PostgreSQL database; PGlite is embedded in one process.
describe.skipIf(!DATABASE)('across server processes (PostgreSQL only: PGlite cannot be shared by two processes)', () => {
  let db: TestDatabase;
  let setup: App;
  let tenant: TestTenant;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    db = await openTestDatabase();
    setup = createApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), db, logger: createLogger('silent'), verification: { databaseNotifications: false }, audit: { retentionIntervalMs: null } });
    tenant = await createTenant(setup, 'Streamed');
    const env = { DATABASE_URL: db.url!, KEYWARDEN_MIGRATE_ON_START: 'false', KEYWARDEN_BOOTSTRAP_ON_START: 'false' };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  afterAll(async () => {
    for (const server of [a, b]) {
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    if (setup) await expectNoSecretsInAudit(setup, [tenant.owner.token]);
    await setup?.close();
    await db?.dispose();
  });

  const through = (server: ServerProcess): Fetcher => (path, init) => fetch(`${server.url}${path}`, init);
  async function renameThrough(server: ServerProcess, name: string): Promise<void> {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.owner.token}` },
      body: JSON.stringify({ query: RENAME, variables: { input: { id: tenant.id, name } } }),
    });
    expect((await response.json()).data.updateTenant.__typename).toBe('TenantPayload');
  }

  it('a subscriber on instance A receives events committed through instance B, in order', async () => {
    const stream = await SseSubscription.open(through(a), tenant.owner.token);
    for (const name of ['B1', 'B2', 'B3']) await renameThrough(b, name);
    // Timed from the last commit (the renames themselves are slow on a loaded machine): under the
    // 10 s re-read interval, so these came by notification.
    const committed = Date.now();
    const received = await stream.events(3, 8_000);
    expect(Date.now() - committed).toBeLessThan(8_000);
    const stored = await db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'desc' }, take: 3 });
    expect(received.map((e) => e.id)).toEqual(stored.reverse().map((e) => e.id));
    await stream.expectQuiet(300);
    stream.close();
  });

  it('a client that loses instance A resumes on instance B with exactly the missed events', async () => {
    const onA = await SseSubscription.open(through(a), tenant.owner.token);
    await renameThrough(b, 'Seen');
    const [seen] = await onA.events(1, 3_000);
    onA.close();
    for (const name of ['Missed 1', 'Missed 2']) await renameThrough(a, name);
    const onB = await SseSubscription.open(through(b), tenant.owner.token, { afterId: seen.id });
    await renameThrough(a, 'Live');
    const received = await onB.events(3, 3_000);
    expect(received.map((e) => e.seq)).toEqual([seen.seq + 1, seen.seq + 2, seen.seq + 3]);
    await onB.expectQuiet(300);
    onB.close();
  });
});
