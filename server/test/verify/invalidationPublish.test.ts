import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, LogCapture, type TestApp } from '../harness/app.ts';
import { createTenant } from '../harness/fixtures.ts';
import { createLogger } from '../../src/logger.ts';
import { InvalidationBus, type Transport, type TransportEvents } from '../../src/services/verification/invalidationBus.ts';

// Publishing a cache invalidation: an ordinary change logs no error (on PostgreSQL the NOTIFY used
// to be read back as a `void` column, which failed after the notification had gone out, so every
// change logged a false error), and a real failure is logged once with its transport and cause.

const POSTGRES_URL = process.env.TEST_DATABASE_URL;
/** The channel every instance listens on: instances of different versions must agree on it. */
const PG_CHANNEL = 'keywarden_invalidation';
const WAIT_MS = 20_000;
const ERRORS = '__typename ... on Error { code message }';

const parsed = (logs: LogCapture) => logs.lines.map((line) => JSON.parse(line) as { level: number; msg: string; [field: string]: any });
const errorLines = (logs: LogCapture) => parsed(logs).filter((l) => l.level >= 50);
const publishErrors = (logs: LogCapture) => errorLines(logs).filter((l) => /publish/.test(l.msg));

let t: TestApp | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await t?.close();
  t = undefined;
});

/** Counts the invalidations the database delivers on the channel, as another instance would receive them. */
async function channelListener(app: TestApp['app']): Promise<{ count(): number; until(n: number): Promise<void> }> {
  let received = 0;
  const waiters = new Set<() => void>();
  const onMessage = () => {
    received++;
    for (const wake of waiters) wake();
  };
  if (app.db.kind === 'postgres') {
    const client = new pg.Client({ connectionString: app.db.url });
    client.on('error', () => {});
    await client.connect();
    client.on('notification', (n) => n.channel === PG_CHANNEL && onMessage());
    await client.query(`LISTEN ${PG_CHANNEL}`);
    cleanups.push(() => client.end());
  } else {
    const stop = await app.db.pglite!.listen(PG_CHANNEL, onMessage);
    cleanups.push(async () => {
      if (!app.db.pglite!.closed) await stop();
    });
  }
  return {
    count: () => received,
    until: (n) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${received} of ${n} invalidations arrived within ${WAIT_MS} ms`)), WAIT_MS);
        const check = () => {
          if (received < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}

describe('publishing cache invalidations', () => {
  it('ordinary changes through GraphQL are published, and log nothing at error level', async () => {
    t = await createTestApp();
    const app = t.app;
    const tenant = await createTenant(app, 'Changes');
    const listener = await channelListener(app);
    const mutate = async (document: string, variables: Record<string, unknown>, typename: string) => {
      const result = await t!.graphql(document, variables, { token: tenant.owner.token });
      expect(result.errors, result.body).toBeUndefined();
      const payload = Object.values(result.data as Record<string, any>)[0];
      expect(payload.__typename, JSON.stringify(payload)).toBe(typename);
      return payload;
    };

    const group = await mutate(`mutation($input: CreateGroupInput!) { createGroup(input: $input) { ${ERRORS} ... on GroupPayload { group { id } } } }`,
      { input: { name: 'partners', ipRules: [{ action: 'ALLOW', cidr: '203.0.113.0/24' }] } }, 'GroupPayload');
    const key = await mutate(`mutation($input: CreateKeyInput!) { createKey(input: $input) { ${ERRORS} ... on CreateKeyPayload { apiKey { id } } } }`,
      { input: { name: 'k', groupId: group.group.id, ipRules: [{ action: 'DENY', cidr: '203.0.113.7/32' }] } }, 'CreateKeyPayload');
    const keyId = key.apiKey.id;
    const before = listener.count();
    // Each of these changes what a cached verdict may say: seven invalidations.
    await mutate(`mutation($input: UpdateKeyInput!) { updateKey(input: $input) { ${ERRORS} ... on ApiKeyPayload { apiKey { id } } } }`,
      { input: { id: keyId, name: 'renamed', endpoints: ['GET /v1/*'] } }, 'ApiKeyPayload');
    const rule = await mutate(`mutation($input: CreateIpRuleInput!) { createIpRule(input: $input) { ${ERRORS} ... on IpRulePayload { ipRule { id } } } }`,
      { input: { action: 'DENY', cidr: '198.51.100.0/24' } }, 'IpRulePayload');
    await mutate(`mutation($id: ID!) { deleteIpRule(id: $id) { ${ERRORS} ... on DeleteIpRulePayload { deletedIpRuleId } } }`, { id: rule.ipRule.id }, 'DeleteIpRulePayload');
    await mutate(`mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { ${ERRORS} ... on GroupPayload { group { id } } } }`,
      { input: { id: group.group.id, ipRules: [{ action: 'ALLOW', cidr: '192.0.2.0/24' }] } }, 'GroupPayload');
    await mutate(`mutation($id: ID!) { disableKey(id: $id) { ${ERRORS} ... on ApiKeyPayload { apiKey { id } } } }`, { id: keyId }, 'ApiKeyPayload');
    await mutate(`mutation($id: ID!) { enableKey(id: $id) { ${ERRORS} ... on ApiKeyPayload { apiKey { id } } } }`, { id: keyId }, 'ApiKeyPayload');
    await mutate(`mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { ${ERRORS} ... on ApiKeyPayload { apiKey { id } } } }`,
      { input: { id: keyId, reason: 'leaked' } }, 'ApiKeyPayload');

    // Delivered through the database to any listener (the notifications really went out)…
    await listener.until(before + 7);
    // …and, each mutation having awaited its publish before answering, no error was logged for any.
    expect(errorLines(t.logs)).toEqual([]);
  }, 60_000);

  it('a real failure to publish is logged once, naming the transport and the cause', async () => {
    t = await createTestApp();
    const app = t.app;
    const tenant = await createTenant(app, 'Failing');
    const transport = app.db.kind; // 'postgres' or 'pglite'
    let restore: (() => Promise<void>) | null = null;
    if (app.db.kind === 'postgres') {
      // The database refuses connections: every NOTIFY fails for real.
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      const dbName = new URL(app.db.url!).pathname.slice(1);
      await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      restore = async () => {
        await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
        await admin.end();
      };
      cleanups.push(async () => {
        await restore?.().catch(() => {});
      });
    } else {
      // PGlite's equivalent: the embedded database is closed.
      await app.db.pglite!.close();
    }

    for (let i = 0; i < 25; i++) await app.invalidation.invalidate({ tenantId: tenant.id });

    const lines = publishErrors(t.logs);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, transport, failures: 1, msg: `could not publish a cache invalidation on ${transport}` });
    expect(lines[0]!.err.message).toMatch(transport === 'postgres' ? /not currently accepting connections|terminating connection/ : /PGlite is closed/);

    if (restore) {
      await restore();
      restore = null;
      // Publishing works again: said once, with how many failed meanwhile; no further error.
      await app.invalidation.invalidate({ tenantId: tenant.id });
      expect(parsed(t.logs).filter((l) => l.msg === 'cache invalidations publish again')).toMatchObject([{ level: 30, transport, failures: 25 }]);
      expect(publishErrors(t.logs)).toHaveLength(1);
    }
  }, 60_000);

  it('a failing transport: one line per run of failures, a reminder a minute, one line when it recovers', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const logs = new LogCapture();
      let failing = true;
      const flaky = (_events: TransportEvents): Transport => ({
        name: 'flaky',
        connected: true,
        start: async () => {},
        publish: async () => {
          if (failing) throw new Error('connection reset by peer');
        },
        close: async () => {},
      });
      const bus = new InvalidationBus({ apply: () => {}, dropAll: () => {}, onHealth: () => {} }, [flaky], createLogger('info', logs));
      await bus.ready();

      for (let i = 0; i < 50; i++) await bus.invalidate({ tenantId: 'ten_1' });
      expect(publishErrors(logs).map((l) => [l.msg, l.transport, l.failures, l.err.message])).toEqual([
        ['could not publish a cache invalidation on flaky', 'flaky', 1, 'connection reset by peer'],
      ]);

      vi.setSystemTime(Date.now() + 61_000);
      for (let i = 0; i < 10; i++) await bus.invalidate({ tenantId: 'ten_1' });
      expect(publishErrors(logs).map((l) => [l.msg, l.failures])).toEqual([
        ['could not publish a cache invalidation on flaky', 1],
        ['still cannot publish cache invalidations on flaky', 51],
      ]);

      failing = false;
      await bus.invalidate({ tenantId: 'ten_1' });
      await bus.invalidate({ tenantId: 'ten_1' });
      expect(parsed(logs).filter((l) => l.msg === 'cache invalidations publish again').map((l) => l.failures)).toEqual([60]);

      // A new run of failures is news again.
      failing = true;
      await bus.invalidate({ tenantId: 'ten_1' });
      expect(publishErrors(logs).map((l) => l.failures)).toEqual([1, 51, 1]);
      await bus.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
