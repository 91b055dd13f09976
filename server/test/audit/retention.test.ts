import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.ts';
import { PURGE_ACTION, recordAudit, verifyAuditChain } from '../../src/services/audit.ts';
import { startAuditRetention } from '../../src/services/auditRetention.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { sqlStatements } from '../harness/sqlStatements.ts';
import { delay, expectNoSecretsInAudit, seedChain } from './support.ts';

// Retention removes a tenant's events older than auditRetentionDays (by the app's clock) and the
// kept events still verify, from the anchor the purge recorded in the chain.

const DAY = 86_400_000;
let now = new Date();
let t: TestApp;
const plaintexts: string[] = [];

beforeAll(async () => {
  // These tests run the purge themselves; the app has no timer that could interleave.
  t = await createTestApp({ clock: () => now, audit: { retentionIntervalMs: null } });
});
afterAll(async () => {
  if (t) await expectNoSecretsInAudit(t.app, plaintexts);
  await t?.close();
});

const actor: Pick<Context, 'caller' | 'request'> = { caller: { kind: 'platform', credentialId: 'plt_retention' }, request: { id: 'req-retention', ip: '192.0.2.9', userAgent: null } };
const events = (tenantId: string) => t.app.db.prisma.auditEvent.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } });
const record = (tenantId: string, action = 'test.recent') => t.app.db.prisma.$transaction((tx) => recordAudit(tx, actor, { tenantId, action }));

/** A tenant keeping `days` days, with `old` events from 40 days ago and `recent` ones from now. */
async function tenantWith(days: number | null, old: number, recent: number): Promise<TestTenant> {
  const tenant = await createTenant(t.app);
  plaintexts.push(tenant.owner.token);
  await t.app.db.prisma.tenant.update({ where: { id: tenant.id }, data: { auditRetentionDays: days } });
  await seedChain(t.app, tenant.id, old, new Date(Date.now() - 40 * DAY));
  for (let i = 0; i < recent; i++) await record(tenant.id);
  return tenant;
}

const purge = () => t.app.auditRetention.run();
const resultFor = (results: Awaited<ReturnType<typeof purge>>, tenantId: string) => results.filter((r) => r.tenantId === tenantId);

describe('a retention run', () => {
  it('removes the expired events, records the purge, and the kept chain verifies from its anchor', async () => {
    const tenant = await tenantWith(30, 5, 3);
    const removedLast = (await events(tenant.id))[4]!;
    expect(resultFor(await purge(), tenant.id)).toEqual([{ tenantId: tenant.id, removed: 5, throughSeq: 5 }]);

    const kept = await events(tenant.id);
    expect(kept.map((e) => [e.seq, e.action])).toEqual([[6, 'test.recent'], [7, 'test.recent'], [8, 'test.recent'], [9, PURGE_ACTION]]);
    expect(kept[0]!.prevHash).toBe(removedLast.hash);
    expect(kept[3]).toMatchObject({ actorType: 'SYSTEM', actorId: null, ip: null, targetType: null });
    expect(kept[3]!.changes).toEqual({ throughSeq: 5, anchor: removedLast.hash, removed: 5, olderThan: new Date(now.getTime() - 30 * DAY).toISOString() });
    expect(await verifyAuditChain(t.app.db.prisma, tenant.id)).toMatchObject({ ok: true, firstSeq: 6, lastSeq: 9, checkedEvents: 4 });

    await record(tenant.id);
    expect(await verifyAuditChain(t.app.db.prisma, tenant.id)).toMatchObject({ ok: true, firstSeq: 6, lastSeq: 10 });
    expect(resultFor(await purge(), tenant.id)).toEqual([]);
  });

  it('leaves tenants without a retention, and events within it, alone', async () => {
    const forever = await tenantWith(null, 4, 1);
    const long = await tenantWith(365, 4, 1);
    const results = await purge();
    expect(resultFor(results, forever.id)).toEqual([]);
    expect(resultFor(results, long.id)).toEqual([]);
    expect((await events(forever.id)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await events(long.id)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('follows the clock, and never removes the newest event, so seq keeps counting', async () => {
    const tenant = await tenantWith(7, 0, 3);
    expect(resultFor(await purge(), tenant.id)).toEqual([]);
    now = new Date(Date.now() + 8 * DAY);
    try {
      expect(resultFor(await purge(), tenant.id)).toEqual([{ tenantId: tenant.id, removed: 2, throughSeq: 2 }]);
    } finally {
      now = new Date();
    }
    expect((await events(tenant.id)).map((e) => e.seq)).toEqual([3, 4]);
    await record(tenant.id);
    expect((await events(tenant.id)).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect((await verifyAuditChain(t.app.db.prisma, tenant.id)).ok).toBe(true);
  });

  it('keeps the chain verifiable over successive purges that remove earlier purge events', async () => {
    const tenant = await tenantWith(10, 3, 2);
    await purge(); // removes 1-3, appends purge event 6
    now = new Date(Date.now() + 11 * DAY);
    try {
      await record(tenant.id, 'test.later'); // seq 7, "now" for the clock, but stored with the real time
      expect(resultFor(await purge(), tenant.id)).toEqual([{ tenantId: tenant.id, removed: 3, throughSeq: 6 }]);
    } finally {
      now = new Date();
    }
    expect((await events(tenant.id)).map((e) => [e.seq, e.action])).toEqual([[7, 'test.later'], [8, PURGE_ACTION]]);
    expect(await verifyAuditChain(t.app.db.prisma, tenant.id)).toMatchObject({ ok: true, firstSeq: 7 });
  });

  it('removes a large backlog in chunks, each with its own purge event', async () => {
    const tenant = await tenantWith(30, 5_003, 1);
    expect(resultFor(await purge(), tenant.id)).toEqual([
      { tenantId: tenant.id, removed: 5_000, throughSeq: 5_000 },
      { tenantId: tenant.id, removed: 3, throughSeq: 5_003 },
    ]);
    // The first chunk's purge event is recent, so the second chunk keeps it.
    expect((await events(tenant.id)).map((e) => [e.seq, e.action])).toEqual([[5_004, 'test.recent'], [5_005, PURGE_ACTION], [5_006, PURGE_ACTION]]);
    expect(await verifyAuditChain(t.app.db.prisma, tenant.id)).toMatchObject({ ok: true, firstSeq: 5_004, checkedEvents: 3 });
    // 5,003 events written and purged: about 25 s on a loaded machine, not a hang.
  }, 180_000);

  it('deletes a chunk in statements of 100 rows (250 events: 3 DELETEs), so the database works in short bursts', async () => {
    await purge(); // what earlier tests left expiring goes first
    const tenant = await tenantWith(30, 250, 1);
    const statements = await sqlStatements(t.app.db, async () => {
      expect(resultFor(await purge(), tenant.id)).toEqual([{ tenantId: tenant.id, removed: 250, throughSeq: 250 }]);
    });
    expect(statements.filter((sql) => /^DELETE FROM "public"\."AuditEvent"/.test(sql))).toHaveLength(3);
    expect(await verifyAuditChain(t.app.db.prisma, tenant.id)).toMatchObject({ ok: true, firstSeq: 251 });
  });
});

describe('verifying while a purge runs', () => {
  it('walks again from the new start instead of reporting the removed events as missing', async () => {
    const tenant = await tenantWith(30, 4, 2);
    const db = t.app.db.prisma;
    let purged = false;
    // Reads the first batch, then lets retention remove events the walk has not reached yet.
    const racing = {
      auditEvent: {
        findFirst: db.auditEvent.findFirst.bind(db.auditEvent),
        findMany: async (args: Parameters<typeof db.auditEvent.findMany>[0]) => {
          const batch = await db.auditEvent.findMany(args);
          if (!purged) {
            purged = true;
            await purge();
          }
          return batch;
        },
      },
    } as unknown as typeof db;
    expect(await verifyAuditChain(racing, tenant.id, 2)).toMatchObject({ ok: true, firstSeq: 5, lastSeq: 7 });
    expect(purged).toBe(true);
  });
});

describe('tampering after a purge', () => {
  it('removing kept events beyond what the purge recorded is reported', async () => {
    const tenant = await tenantWith(30, 3, 3);
    await purge();
    const kept = await events(tenant.id);
    await t.app.db.prisma.auditEvent.delete({ where: { id: kept[0]!.id } });
    const result = await verifyAuditChain(t.app.db.prisma, tenant.id);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 5, firstBrokenEventId: kept[1]!.id });
    expect(result.reason).toMatch(/latest retention purge removed events through seq 3 only/);
  });

  it('forging the recorded anchor is reported at the purge event', async () => {
    const tenant = await tenantWith(30, 3, 1);
    await purge();
    const purgeEvent = (await events(tenant.id)).find((e) => e.action === PURGE_ACTION)!;
    await t.app.db.prisma.$executeRawUnsafe(`UPDATE "AuditEvent" SET changes = jsonb_set(changes, '{throughSeq}', '2') WHERE id = $1`, purgeEvent.id);
    const result = await verifyAuditChain(t.app.db.prisma, tenant.id);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 4 });
    expect(result.reason).toMatch(/retention purge removed events through seq 2 only/);
  });

  it('a fake purge event does not account for deleted events', async () => {
    const tenant = await tenantWith(null, 0, 4);
    const rows = await events(tenant.id);
    await t.app.db.prisma.auditEvent.deleteMany({ where: { id: { in: [rows[0]!.id, rows[1]!.id] } } });
    await t.app.db.prisma.$executeRawUnsafe(
      `UPDATE "AuditEvent" SET action = $1, changes = $2::jsonb WHERE id = $3`, PURGE_ACTION, JSON.stringify({ throughSeq: 2, anchor: rows[1]!.hash }), rows[3]!.id);
    const result = await verifyAuditChain(t.app.db.prisma, tenant.id);
    expect(result.ok).toBe(false);
    expect(result.firstBrokenSeq).toBe(4);
    expect(result.reason).toMatch(/content does not match its hash/);
  });
});

describe('the retention timer', () => {
  it('purges on its interval until stopped', async () => {
    const tenant = await tenantWith(30, 2, 1);
    const job = startAuditRetention(t.app, 50);
    try {
      for (let i = 0; i < 100 && (await events(tenant.id))[0]!.seq === 1; i++) await delay(20);
      expect((await events(tenant.id))[0]!.seq).toBe(3);
    } finally {
      await job.stop();
    }
    const other = await tenantWith(30, 2, 1);
    await delay(200);
    expect((await events(other.id))[0]!.seq).toBe(1);
  });
});
