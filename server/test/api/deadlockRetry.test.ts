// A mutation request that PostgreSQL aborts to break a deadlock (40P01) or a serialization failure
// (40001) runs again in a new transaction, up to MAX_ATTEMPTS in all; it answers as a first
// attempt would, and nothing of the failed attempt is kept or published. Any other failure is
// answered at once.
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestGroup } from '../harness/keys.ts';
import { newId } from '../../src/domain/ids.ts';
import { transactionConflictCode } from '../../src/db/transaction.ts';
import { Prisma } from '../../src/generated/prisma/client.ts';

const t = useTestApp();
let a: TestTenant;
beforeAll(async () => {
  a = await createTenant(t.app, 'A');
});

const CREATE_MANY = `mutation($input: CreateKeysInput!) { createKeys(input: $input) {
  __typename ... on Error { code message }
  ... on CreateKeysPayload { succeeded failed results { created { key apiKey { id group { id } } } } }
} }`;

const CREATED = '__typename ... on Error { code message } ... on CreateKeyPayload { key apiKey { id group { id } } }';
const TWO_CREATES = `mutation($g1: ID!, $g2: ID!) {
  k1: createKey(input: { name: "d0", groupId: $g1 }) { ${CREATED} }
  k2: createKey(input: { name: "d1", groupId: $g2 }) { ${CREATED} }
}`;

type Created = { key: string; apiKey: { id: string; group: { id: string } } };

/** Requests that write a key into g1, then one into g2; and the keys each answers. */
const SHAPES: { name: string; document: string; variables: (g1: string, g2: string) => Record<string, unknown>; created: (data: any) => Created[] }[] = [
  {
    name: 'one createKeys call across both groups',
    document: CREATE_MANY,
    variables: (g1, g2) => ({ input: { items: [{ name: 'd0', groupId: g1 }, { name: 'd1', groupId: g2 }] } }),
    created: (data) => {
      expect(data.createKeys).toMatchObject({ __typename: 'CreateKeysPayload', succeeded: 2, failed: 0 });
      return data.createKeys.results.map((r: { created: Created }) => r.created);
    },
  },
  {
    // The first field's answer is resolved in full (its group read through Pothos's per-request
    // client) before the second one deadlocks: the retry must not read through the failed transaction.
    name: 'two createKey fields, the first answered in full before the second deadlocks',
    document: TWO_CREATES,
    variables: (g1, g2) => ({ g1, g2 }),
    created: (data) => {
      expect([data.k1.__typename, data.k2.__typename]).toEqual(['CreateKeyPayload', 'CreateKeyPayload']);
      return [data.k1, data.k2];
    },
  },
];

const retryLines = (requestId: string) => t.logs.lines.filter((line) => line.includes(requestId) && line.includes('lock conflict'));

async function keyCounts(groups: string[]): Promise<number[]> {
  const data = (await t.graphql(`{ groups(first: 50) { edges { node { id keyCount } } } }`, {}, { token: a.owner.token })).data;
  const byId = new Map<string, number>(data.groups.edges.map((e: { node: { id: string; keyCount: number } }) => [e.node.id, e.node.keyCount]));
  return groups.map((g) => byId.get(g)!);
}

/** Polls `query` (one row, column `n`) on `client` until `n` > 0 (no fixed sleep); fails if `answered` first. */
async function waitFor(client: pg.Client, query: string, values: unknown[], answered: () => string | null): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ n: number }>(query, values);
    if (rows[0]!.n > 0) return;
    if (answered() !== null) throw new Error(`the mutation answered before it waited: ${answered()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('a real deadlock (PostgreSQL; PGlite has one connection, its transactions cannot interleave)', () => {
  it.each(SHAPES)('$name: the aborted request runs again and succeeds; keys created, counted and audited once; the retry logged', async (shape) => {
    const [g1, g2] = [await createTestGroup(t.app, a.id), await createTestGroup(t.app, a.id)];
    const url = t.app.db.url!;
    // x closes the lock cycle; z holds the tenant's audit lock to pause the mutation between its
    // two keys; observer reads pg_locks (live, unlike pg_stat_activity's per-transaction snapshot).
    const [x, z, observer] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all([x.connect(), z.connect(), observer.connect()]);
    try {
      const xPid = (await x.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      // x detects no deadlock before the test ends: the mutation's backend (deadlock_timeout 1 s) does.
      await x.query(`BEGIN; SET LOCAL deadlock_timeout = '60s'`);
      await x.query('SELECT 1 FROM "Group" WHERE id = $1 FOR UPDATE', [g2]);
      await z.query('BEGIN');
      await z.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`audit:${a.id}`]);

      const eventsBefore = await t.app.db.prisma.auditEvent.count({ where: { tenantId: a.id, action: 'key.created' } });
      const requestId = `deadlock-${randomUUID()}`;
      // The first key is inserted into g1 (its count row locked by the trigger), then waits for the audit lock.
      const answer = t.graphql(shape.document, shape.variables(g1, g2), {
        token: a.owner.token, headers: { 'x-request-id': requestId },
      });
      let answeredBody: string | null = null;
      void answer.then((r) => (answeredBody = r.body), (e: unknown) => (answeredBody = String(e)));
      const answered = () => answeredBody;
      await waitFor(observer, `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'advisory' AND pid <> $1`, [xPid], answered);
      // x now waits for g1, held by the mutation; its own deadlock check is 60 s away.
      const xWaits = x.query('SELECT 1 FROM "Group" WHERE id = $1 FOR UPDATE', [g1]).then(() => null, (error: unknown) => error);
      await waitFor(observer, 'SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND pid = $1', [xPid], answered);
      // The mutation goes on to the second key and waits for g2, held by x: a cycle, which its backend
      // finds a second later and breaks by aborting the mutation's transaction.
      await z.query('ROLLBACK');
      expect(await xWaits).toBeNull(); // granted once the mutation's attempt let go of g1
      await x.query('ROLLBACK');

      const response = await answer;
      expect(response.errors, response.body).toBeUndefined();
      const created = shape.created(response.data);
      expect(created.map((c) => c.apiKey.group.id)).toEqual([g1, g2]);
      const secrets = created.map((c) => c.key);
      expect(new Set(secrets).size).toBe(2);
      for (const secret of secrets) expect(response.body.split(secret).length - 1).toBe(1); // each once in the answer

      // Exactly the keys of the answer exist, counted and audited once each.
      const keys = await t.app.db.prisma.apiKey.findMany({ where: { groupId: { in: [g1, g2] } }, select: { id: true } });
      expect(keys.map((k) => k.id).sort()).toEqual(created.map((c) => c.apiKey.id).sort());
      expect(await keyCounts([g1, g2])).toEqual([1, 1]);
      const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: a.id, action: 'key.created' }, select: { targetId: true } });
      expect(events.length - eventsBefore).toBe(2);
      expect(events.filter((e) => keys.some((k) => k.id === e.targetId))).toHaveLength(2);

      const retries = retryLines(requestId);
      expect(retries.length, t.logs.lines.slice(-5).join('\n')).toBeGreaterThanOrEqual(1);
      expect(retries[0]).toMatch(/"level":40/);
      expect(retries[0]).toContain('"sqlState":"40P01"');
      for (const secret of secrets) expect(retries.join('\n')).not.toContain(secret.slice(-12));
    } finally {
      await Promise.all([x.end(), z.end(), observer.end()]);
    }
  });
});

describe('what is retried', () => {
  it('a failure that is not a lock conflict is answered at once, run once', async () => {
    const group = await createTestGroup(t.app, a.id);
    const eventsBefore = await t.app.db.prisma.auditEvent.count({ where: { tenantId: a.id } });
    const requestId = `once-${randomUUID()}`;
    // Item 0 is written, item 1 names no group of the tenant: NOT_FOUND, nothing kept.
    const response = await t.graphql(CREATE_MANY, { input: { items: [{ name: 'o0', groupId: group }, { name: 'o1', groupId: newId('grp') }] } }, {
      token: a.owner.token, headers: { 'x-request-id': requestId },
    });
    expect(response.data?.createKeys.code, response.body).toBe('NOT_FOUND');
    expect(retryLines(requestId)).toEqual([]);
    expect(await t.app.db.prisma.auditEvent.count({ where: { tenantId: a.id } })).toBe(eventsBefore);
    expect(await keyCounts([group])).toEqual([0]);
  });

  it('only a deadlock (40P01) or a serialization failure (40001), however wrapped', () => {
    const prismaError = (code: string, cause: Record<string, unknown>) => new Prisma.PrismaClientKnownRequestError('Invalid invocation', {
      code, clientVersion: '7', meta: { driverAdapterError: Object.assign(new Error('adapter'), { name: 'DriverAdapterError', cause }) },
    });
    const deadlock = prismaError('P2010', { kind: 'postgres', originalCode: '40P01', code: '40P01', message: 'deadlock detected' });
    expect(transactionConflictCode(deadlock)).toBe('40P01');
    expect(transactionConflictCode([{ message: 'x', originalError: deadlock }])).toBe('40P01');
    expect(transactionConflictCode(prismaError('P2034', { originalCode: '40001', kind: 'TransactionWriteConflict' }))).toBe('40001');
    expect(transactionConflictCode(new Error('outer', { cause: prismaError('P2034', {}) }))).toBe('P2034');
    expect(transactionConflictCode(prismaError('P2002', { originalCode: '23505', kind: 'UniqueConstraintViolation' }))).toBeNull();
    expect(transactionConflictCode(prismaError('P2010', { kind: 'postgres', originalCode: '57014', code: '57014' }))).toBeNull();
    expect(transactionConflictCode(new Error('deadlock detected'))).toBeNull();
    expect(transactionConflictCode(null)).toBeNull();
  });
});
