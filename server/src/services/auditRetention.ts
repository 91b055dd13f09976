import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../db/database.ts';
import type { Clock } from '../domain/expiry.ts';
import type { Logger } from '../logger.ts';
import { PURGE_ACTION, recordAudit, systemActor } from './audit.ts';

// Retention: a tenant with `auditRetentionDays` keeps its audit events that long. Every instance
// runs the purge on a timer; runs on several instances are harmless (the per-tenant audit lock
// serialises them and the second finds nothing to remove).
//
// The kept events stay a verifiable chain: a purge removes a run of the oldest events (seq 1..N,
// never the newest event, so seq keeps counting) and, in the same transaction, appends an
// `audit.purged` event whose changes record `throughSeq` N and `anchor`, the hash of event N.
// verifyAuditChain takes the first kept event's prevHash as the start of the chain only when it
// equals that recorded anchor.

const RETENTION_INTERVAL_MS = 60 * 60_000;
/** The first run waits a little, so a fleet restarting together does not purge at once. */
const FIRST_RUN_DELAY_MS = 60_000;
const DAY_MS = 86_400_000;
/** Events removed per transaction; a large backlog takes several, each with its own purge event. */
const PURGE_CHUNK = 5_000;
/**
 * Rows per DELETE statement. Retention is background work: after each statement it waits as long as
 * the statement took, so it keeps the database busy in short bursts, at most half the time. On a
 * 2-core machine a verify request that lands while a statement runs waits for it, so the burst's
 * length is what the verify tail pays (bench:scale, 1,000,000 events, verify p99 during retention:
 * one statement per chunk 2.1-2.5x its quiet value; 250 rows 1.8-2.1x, 2.2-2.3 ms; 100 rows
 * 1.4-2.0x, 1.7-1.8 ms; 50 rows 1.4 ms). The price of shorter bursts is time: a million events take
 * ~14 s at 100 rows (~7.5 s at 250, ~25 s at 50), and a chunk holds the tenant's audit lock ~70 ms,
 * so an audited write of that tenant during a large purge may wait that long.
 */
const PURGE_STATEMENT_ROWS = 100;

export interface PurgeResult {
  tenantId: string;
  removed: number;
  /** The last removed seq: the kept chain starts at the next one. */
  throughSeq: number;
}

interface RetentionApp {
  db: Database;
  clock: Clock;
  logger: Logger;
}

/** Removes every tenant's events older than its retention (by the app's clock). */
async function purgeExpiredAuditEvents(app: RetentionApp): Promise<PurgeResult[]> {
  const tenants = await app.db.prisma.tenant.findMany({
    where: { auditRetentionDays: { not: null } },
    select: { id: true, auditRetentionDays: true },
  });
  const results: PurgeResult[] = [];
  for (const tenant of tenants) {
    const cutoff = new Date(app.clock().getTime() - tenant.auditRetentionDays! * DAY_MS);
    let throughSeq: number | null = null;
    for (;;) {
      const result = await purgeChunk(app, tenant.id, cutoff, throughSeq);
      if (!result) break;
      results.push(result);
      throughSeq = result.throughSeq;
      if (result.removed < PURGE_CHUNK) break;
    }
  }
  if (results.length) app.logger.info({ purged: results }, 'purged expired audit events');
  return results;
}

/**
 * Removes one chunk: the oldest events up to PURGE_CHUNK of them. `afterSeq`, the previous chunk's
 * last seq in this run, bounds the search from below. Every statement names both ends of the seq
 * range: with only `seq <= last`, each chunk walked the index entries of all the rows earlier
 * chunks deleted (dead until vacuumed), and the planner, whose statistics still counted those rows,
 * chose ever larger scans: a 1,000,000-event backlog took 11 s of database time, 1.7 s bounded.
 */
async function purgeChunk(app: RetentionApp, tenantId: string, cutoff: Date, afterSeq: number | null): Promise<PurgeResult | null> {
  return app.db.prisma.$transaction(async (tx) => {
    // The same lock recordAudit takes: no event is appended while the start of the chain moves.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`audit:${tenantId}`}))`;
    const [oldest, newest] = await Promise.all([
      tx.auditEvent.findFirst({ where: { tenantId, ...(afterSeq === null ? {} : { seq: { gt: afterSeq } }) }, orderBy: { seq: 'asc' }, select: { seq: true } }),
      tx.auditEvent.findFirst({ where: { tenantId }, orderBy: { seq: 'desc' }, select: { seq: true } }),
    ]);
    if (!oldest || !newest) return null;
    // A contiguous run from the oldest event: the newest expired one, within this chunk, never the newest event.
    const last = await tx.auditEvent.findFirst({
      where: { tenantId, createdAt: { lt: cutoff }, seq: { gte: oldest.seq, lt: Math.min(newest.seq, oldest.seq + PURGE_CHUNK) } },
      orderBy: { seq: 'desc' },
      select: { seq: true, hash: true },
    });
    if (!last) return null;
    let count = 0;
    for (let from = oldest.seq; from <= last.seq; from += PURGE_STATEMENT_ROWS) {
      const started = performance.now();
      const through = Math.min(last.seq, from + PURGE_STATEMENT_ROWS - 1);
      count += (await tx.auditEvent.deleteMany({ where: { tenantId, seq: { gte: from, lte: through } } })).count;
      // No pause after the chunk's last statement: it would only hold the audit lock longer.
      if (through < last.seq) await sleep(performance.now() - started);
    }
    await recordAudit(tx, systemActor('retention'), {
      tenantId,
      action: PURGE_ACTION,
      changes: { throughSeq: last.seq, anchor: last.hash, removed: count, olderThan: cutoff },
    });
    return { tenantId, removed: count, throughSeq: last.seq };
  }, { timeout: 60_000 });
}

export interface AuditRetentionJob {
  /** One purge now, whatever the timer: what each tick of the timer runs. */
  run(): Promise<PurgeResult[]>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Purges every `intervalMs` (null: never, e.g. in tests that call `run` themselves). */
export function startAuditRetention(app: RetentionApp, intervalMs: number | null = RETENTION_INTERVAL_MS): AuditRetentionJob {
  const runOnce = () => purgeExpiredAuditEvents(app);
  if (intervalMs === null) return { run: runOnce, stop: async () => {} };
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = runOnce()
      .catch((error) => app.logger.error({ err: error }, 'audit retention run failed'))
      .finally(() => (running = null));
  };
  const first = setTimeout(run, Math.min(FIRST_RUN_DELAY_MS, intervalMs));
  const every = setInterval(run, intervalMs);
  first.unref();
  every.unref();
  return {
    run: runOnce,
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
