import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import type { Tx } from '../audit.ts';
import type { InvalidationChange } from './caches.ts';

// The feed behind GET /v1/invalidations: what changed about a tenant's credentials, for the verdict
// caches of resource servers (the SDK guard), resumable across server instances.
//
// Every invalidation made on this instance (revoke, disable, rotate, delete, scope, IP-rule, group,
// role, member and tenant changes all announce one on the invalidation bus) is first written as a
// CredentialChange row with the tenant's next `seq`, one writer per tenant at a time (an advisory
// lock held until commit), so seq order is commit order and "seq > last" never skips a row. Then
// the bus carries it to the other instances, which wake their streams of that tenant; a woken
// stream reads the rows after the last one it sent. Streams also re-read every pollIntervalMs, and
// all of them when a bus listener reconnects, so a lost notification costs latency, never an event.
//
// Rows older than retentionMs are pruned, except each tenant's newest (it carries the count on). A
// stream resuming from an id that is pruned, or that the tenant never reached, is told `reset`.

export interface CredentialChangeOptions {
  /** How long rows are kept for resuming streams. */
  retentionMs: number;
  /** Open streams re-read this often without a notification. */
  pollIntervalMs: number;
}

export const DEFAULT_CREDENTIAL_CHANGE_OPTIONS: CredentialChangeOptions = { retentionMs: 10 * 60_000, pollIntervalMs: 5_000 };

/** One change as a stream sends it. */
export interface CredentialChangeEvent {
  seq: number;
  /** Empty when wholeTenant. */
  keyIds: string[];
  wholeTenant: boolean;
}

/** Where a stream starts: after `seq`; `reset` when the id it resumed from cannot be continued. */
export interface StreamStart {
  seq: number;
  reset: boolean;
}

const PRUNE_EVERY_MS = 60_000;
const MAX_KEY_IDS = 1_000;
const READ_BATCH = 500;

export class CredentialChangeFeed {
  readonly options: CredentialChangeOptions;
  private readonly followers = new Map<string, Set<ChangeFollower>>();
  private lastPrune = 0;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    options: Partial<CredentialChangeOptions> = {},
  ) {
    this.options = { ...DEFAULT_CREDENTIAL_CHANGE_OPTIONS, ...options };
  }

  /**
   * Writes the change with the tenant's next seq and wakes this instance's streams of the tenant.
   * A change of no key (a route map) changes no verdict and is not written. Never throws: a change
   * that could not be written reaches the guards only through their verdicts' age bound.
   */
  async record(change: InvalidationChange): Promise<void> {
    if (change.keyIds !== undefined && change.keyIds.length === 0) return;
    const wholeTenant = change.keyIds === undefined || change.keyIds.length > MAX_KEY_IDS;
    const keyIds = wholeTenant ? [] : [...new Set(change.keyIds)];
    try {
      await this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`credential-change:${change.tenantId}`}))`;
        const last = await tx.credentialChange.findFirst({ where: { tenantId: change.tenantId }, orderBy: { seq: 'desc' }, select: { seq: true } });
        await tx.credentialChange.create({ data: { tenantId: change.tenantId, seq: (last?.seq ?? 0) + 1, keyIds, wholeTenant } });
      });
    } catch (error) {
      this.logger.error({ err: error, tenantId: change.tenantId }, 'could not record a credential change for the invalidation streams');
      return;
    }
    this.wake(change.tenantId);
    if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) void this.prune();
  }

  /** Deletes rows older than the retention, but each tenant's newest. */
  async prune(now = Date.now()): Promise<number> {
    this.lastPrune = now;
    try {
      return await this.prisma.$executeRaw`
        DELETE FROM "CredentialChange" c
        WHERE c."createdAt" < ${new Date(now - this.options.retentionMs)}
          AND c."seq" < (SELECT MAX(d."seq") FROM "CredentialChange" d WHERE d."tenantId" = c."tenantId")`;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not prune credential changes');
      return 0;
    }
  }

  /**
   * Where a stream of the tenant starts. `lastEventId` null: from now on. Otherwise after it, when
   * every change since is still kept; else `reset` from the newest.
   */
  async start(db: Tx, tenantId: string, lastEventId: string | null): Promise<StreamStart> {
    const { _min, _max } = await db.credentialChange.aggregate({ where: { tenantId }, _min: { seq: true }, _max: { seq: true } });
    const newest = _max.seq ?? 0;
    if (lastEventId === null) return { seq: newest, reset: false };
    const last = /^\d{1,9}$/.test(lastEventId) ? Number(lastEventId) : -1;
    const oldest = _min.seq ?? 1;
    const continuable = last >= 0 && last <= newest && (last >= oldest - 1 || (_min.seq === null && last === 0));
    return continuable ? { seq: last, reset: false } : { seq: newest, reset: true };
  }

  /**
   * Calls `deliver` with the tenant's changes after `afterSeq`, in seq order, whenever some are
   * committed, until the returned function is called; `caughtUp` once, after the changes already
   * committed were delivered, with the last seq delivered.
   */
  follow(db: Tx, tenantId: string, afterSeq: number, deliver: (events: CredentialChangeEvent[]) => void, caughtUp: (seq: number) => void = () => {}): () => void {
    const follower = new ChangeFollower(db, tenantId, afterSeq, deliver, caughtUp, this.logger);
    let set = this.followers.get(tenantId);
    if (!set) this.followers.set(tenantId, (set = new Set()));
    set.add(follower);
    this.poller ??= setInterval(() => this.wake(null), this.options.pollIntervalMs).unref();
    // Anything committed between start() and now.
    follower.wake();
    return () => {
      follower.stop();
      set.delete(follower);
      if (set.size === 0 && this.followers.get(tenantId) === set) this.followers.delete(tenantId);
      if (this.followers.size === 0) {
        clearInterval(this.poller);
        this.poller = undefined;
      }
    };
  }

  /** Wakes the streams of a tenant (null: all), e.g. when another instance announced a change. */
  wake(tenantId: string | null): void {
    const sets = tenantId === null ? [...this.followers.values()] : [this.followers.get(tenantId) ?? []];
    for (const set of sets) for (const follower of set) follower.wake();
  }

  /** Open streams in this process. */
  get openStreams(): number {
    let count = 0;
    for (const set of this.followers.values()) count += set.size;
    return count;
  }

  close(): void {
    clearInterval(this.poller);
    this.poller = undefined;
    for (const set of this.followers.values()) for (const follower of set) follower.stop();
    this.followers.clear();
  }
}

/** One stream: reads what came after the last change it delivered, once at a time, when woken. */
class ChangeFollower {
  private reading = false;
  private pending = false;
  private stopped = false;

  constructor(
    private readonly db: Tx,
    readonly tenantId: string,
    private lastSeq: number,
    private readonly deliver: (events: CredentialChangeEvent[]) => void,
    private caughtUp: ((seq: number) => void) | null,
    private readonly logger: Logger,
  ) {}

  wake(): void {
    if (this.stopped) return;
    this.pending = true;
    if (!this.reading) void this.read();
  }

  stop(): void {
    this.stopped = true;
  }

  private async read(): Promise<void> {
    this.reading = true;
    try {
      while (this.pending && !this.stopped) {
        this.pending = false;
        for (;;) {
          const rows = await this.db.credentialChange.findMany({
            where: { tenantId: this.tenantId, seq: { gt: this.lastSeq } },
            orderBy: { seq: 'asc' },
            take: READ_BATCH,
            select: { seq: true, keyIds: true, wholeTenant: true },
          });
          if (rows.length === 0 || this.stopped) break;
          this.lastSeq = rows.at(-1)!.seq;
          this.deliver(rows);
          if (rows.length < READ_BATCH) break;
        }
        const first = this.caughtUp;
        this.caughtUp = null;
        if (first && !this.stopped) first(this.lastSeq);
      }
    } catch (error) {
      // The next wake (at the latest the poll) reads again from the same place.
      this.logger.warn({ err: error, tenantId: this.tenantId }, 'could not read credential changes for a stream');
    } finally {
      this.reading = false;
    }
  }
}
