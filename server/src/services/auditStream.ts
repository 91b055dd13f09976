import pg from 'pg';
import type { AuditEvent } from '../generated/prisma/client.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { NotFoundError } from '../domain/errors.ts';
import { AUDIT_BATCH_SIZE, AUDIT_CHANNEL, auditEventsInOrder, type Tx } from './audit.ts';

// Live delivery of audit events (the `auditEvents` subscription), across server instances.
//
// recordAudit NOTIFYs `{"t": tenantId, "s": seq}` on AUDIT_CHANNEL when its transaction commits.
// Each process LISTENs once (a dedicated PostgreSQL connection, or the embedded PGlite's listen),
// from the first subscriber on, and wakes the followers of that tenant. A notification carries no
// event: a woken follower reads every event with seq > the last one it delivered, in seq order,
// from the database. So a lost notification costs latency, never an event: followers also re-read
// every pollIntervalMs, and all of them re-read when the listener reconnects. Per tenant, seq order
// is commit order (recordAudit holds a per-tenant lock until commit), so reading "seq > last"
// never skips an event that commits later with a lower seq.

/** application_name of the LISTEN connection (visible in pg_stat_activity). */
const AUDIT_LISTENER_NAME = 'keywarden-audit';

export interface AuditStreamOptions {
  /** Followers re-read this often even without a notification (one may have been lost). */
  pollIntervalMs: number;
  /**
   * A stream ends (completes) after this long. The client resumes with afterId and is
   * authenticated again, so a revoked credential stops receiving events within this time.
   */
  maxStreamMs: number;
  batchSize: number;
}

export const DEFAULT_AUDIT_STREAM_OPTIONS: AuditStreamOptions = {
  pollIntervalMs: 10_000,
  maxStreamMs: 15 * 60_000,
  batchSize: AUDIT_BATCH_SIZE,
};

const HEARTBEAT_MS = 30_000;

/** The seq of one of the tenant's events; another tenant's (or a purged) event is NOT_FOUND. */
export async function auditEventSeq(db: Tx, tenantId: string, id: string): Promise<number> {
  const event = await db.auditEvent.findFirst({ where: { id, tenantId }, select: { seq: true } });
  if (!event) throw new NotFoundError('AuditEvent', id);
  return event.seq;
}

/** One per process: the LISTEN connection and the open streams it wakes. */
export class AuditStream {
  readonly options: AuditStreamOptions;
  private readonly followers = new Map<string, Set<Follower>>();
  private listening: Promise<void> | null = null;
  private stopListening: (() => Promise<void>) | null = null;
  private closed = false;

  constructor(private readonly db: Database, private readonly logger: Logger, options: Partial<AuditStreamOptions> = {}) {
    this.options = { ...DEFAULT_AUDIT_STREAM_OPTIONS, ...options };
  }

  /**
   * The tenant's events after `afterSeq` (null: only events from now on), then live ones, in seq
   * order. Resolves once this process listens, so nothing committed afterwards can be missed.
   * Read through `db`, the caller's tenant-confined client.
   */
  async follow(db: Tx, tenantId: string, afterSeq: number | null): Promise<AsyncIterableIterator<AuditEvent>> {
    if (this.closed) throw new Error('the audit stream is closed');
    const follower = new Follower(db, tenantId, this.options, (f) => this.remove(f));
    let set = this.followers.get(tenantId);
    if (!set) this.followers.set(tenantId, (set = new Set()));
    set.add(follower);
    try {
      await this.listen();
      const start = afterSeq ?? (await db.auditEvent.findFirst({ where: { tenantId }, orderBy: { seq: 'desc' }, select: { seq: true } }))?.seq ?? 0;
      follower.begin(start);
    } catch (error) {
      await follower.return();
      throw error;
    }
    return follower;
  }

  /** Streams open in this process (for tests and metrics). */
  get openStreams(): number {
    let count = 0;
    for (const set of this.followers.values()) count += set.size;
    return count;
  }

  /** Ends every open stream and stops listening. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of [...this.followers.values()]) for (const follower of [...set]) await follower.return();
    const stop = this.stopListening;
    this.stopListening = null;
    await stop?.().catch(() => {});
  }

  private remove(follower: Follower): void {
    const set = this.followers.get(follower.tenantId);
    set?.delete(follower);
    if (set?.size === 0) this.followers.delete(follower.tenantId);
  }

  private wake(tenantId: string | null): void {
    const sets = tenantId === null ? [...this.followers.values()] : [this.followers.get(tenantId) ?? []];
    for (const set of sets) for (const follower of set) follower.wake();
  }

  private onNotification(payload: string | undefined): void {
    try {
      const message = JSON.parse(payload ?? '') as { t?: unknown };
      if (typeof message.t === 'string') this.wake(message.t);
    } catch {
      this.logger.warn('ignoring a malformed audit notification');
    }
  }

  /** Starts listening on first use; later calls share the first attempt. */
  private listen(): Promise<void> {
    return (this.listening ??= this.db.pglite ? this.listenPGlite() : this.listenPostgres());
  }

  private async listenPGlite(): Promise<void> {
    const pglite = this.db.pglite!;
    const unlisten = await pglite.listen(AUDIT_CHANNEL, (payload) => this.onNotification(payload));
    this.stopListening = async () => {
      if (!pglite.closed) await unlisten();
    };
  }

  /**
   * A dedicated connection (LISTEN cannot share a pool). While it is down, followers fall back to
   * polling; after it comes back every follower re-reads, as notifications may have been missed.
   * Never rejects: an unreachable database at first use degrades to polling, and retries.
   */
  private async listenPostgres(): Promise<void> {
    const url = this.db.url;
    if (!url) return;
    let client: pg.Client | null = null;
    let retry: NodeJS.Timeout | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    let attempt = 0;

    const lost = (current: pg.Client, error?: unknown) => {
      if (client !== current) return;
      client = null;
      clearInterval(heartbeat);
      current.end().catch(() => {});
      if (this.closed) return;
      this.logger.warn({ err: error }, 'audit listener disconnected; reconnecting');
      retry = setTimeout(() => void connect(), Math.min(5_000, 100 * 2 ** Math.min(attempt++, 6)));
      retry.unref();
    };
    const connect = async (): Promise<void> => {
      if (this.closed) return;
      const current = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000, query_timeout: 5_000, application_name: AUDIT_LISTENER_NAME });
      client = current;
      current.on('error', (error) => lost(current, error));
      current.on('end', () => lost(current));
      current.on('notification', (n) => {
        if (n.channel === AUDIT_CHANNEL) this.onNotification(n.payload);
      });
      try {
        await current.connect();
        await current.query(`LISTEN ${AUDIT_CHANNEL}`);
      } catch (error) {
        lost(current, error);
        return;
      }
      if (client !== current) return;
      if (attempt > 0) this.wake(null);
      attempt = 0;
      // A half-open connection reports nothing: ask now and then.
      heartbeat = setInterval(() => void current.query('SELECT 1').catch((error) => lost(current, error)), HEARTBEAT_MS);
      heartbeat.unref();
    };

    this.stopListening = async () => {
      clearTimeout(retry);
      clearInterval(heartbeat);
      const current = client;
      client = null;
      await current?.end();
    };
    await connect();
  }
}

/** One open stream: reads the tenant's events after the last one it delivered whenever woken. */
class Follower implements AsyncIterableIterator<AuditEvent> {
  private lastSeq = 0;
  private reader: AsyncGenerator<AuditEvent> | null = null;
  /** Something may have been committed since the last read. */
  private pending = true;
  private finished = false;
  private interruptSleep: (() => void) | null = null;
  private readonly deadline: number;

  constructor(
    private readonly db: Tx,
    readonly tenantId: string,
    private readonly options: AuditStreamOptions,
    private readonly onFinish: (follower: Follower) => void,
  ) {
    this.deadline = Date.now() + options.maxStreamMs;
  }

  begin(afterSeq: number): void {
    this.lastSeq = afterSeq;
  }

  wake(): void {
    this.pending = true;
    this.interruptSleep?.();
  }

  async next(): Promise<IteratorResult<AuditEvent>> {
    while (!this.finished && Date.now() < this.deadline) {
      if (this.reader) {
        const read = await this.reader.next();
        if (!read.done) {
          this.lastSeq = read.value.seq;
          return { value: read.value, done: false };
        }
        this.reader = null;
      } else if (this.pending) {
        // Cleared before reading: a wake during the read makes the next round read again.
        this.pending = false;
        this.reader = auditEventsInOrder(this.db, this.tenantId, { afterSeq: this.lastSeq, batchSize: this.options.batchSize });
      } else {
        await this.sleep();
        this.pending = true;
      }
    }
    await this.return();
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<AuditEvent>> {
    if (!this.finished) {
      this.finished = true;
      this.interruptSleep?.();
      await this.reader?.return(undefined);
      this.reader = null;
      this.onFinish(this);
    }
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AuditEvent> {
    return this;
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.interruptSleep = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(this.options.pollIntervalMs, this.deadline - Date.now())));
      this.interruptSleep = done;
    });
  }
}
