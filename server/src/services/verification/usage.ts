import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import type { RequestInfo } from '../../domain/caller.ts';
import { networkOf } from '../../domain/networks.ts';
import { recordNewNetworks, type NetworkUse } from '../keyNetworks.ts';
import { LruCache } from './lru.ts';

/**
 * Usage credits: one conditional UPDATE per use, atomic in the database, so concurrent
 * verifications on any number of instances never spend more than there is. A due refill
 * (lastRefillAt, or creation, plus the interval) resets the credits to refillAmount in the same
 * statement. A use costs `cost` credits (0: only checks that some are left). Returns the credits
 * left after this use, or null when there were not enough.
 */
export async function consumeUsageCredit(prisma: PrismaClient, keyId: string, now: Date, cost = 1): Promise<number | null> {
  const due = `"refillIntervalSeconds" IS NOT NULL AND "refillAmount" IS NOT NULL AND "refillAmount" > 0
    AND COALESCE("lastRefillAt", "createdAt") + make_interval(secs => "refillIntervalSeconds") <= ($2::timestamptz AT TIME ZONE 'UTC')`;
  const rows = await prisma.$queryRawUnsafe<{ remainingUses: number }[]>(
    `UPDATE "ApiKey" SET
       "remainingUses" = CASE WHEN ${due} THEN "refillAmount" - $3::int ELSE "remainingUses" - $3::int END,
       "lastRefillAt" = CASE WHEN ${due} THEN ($2::timestamptz AT TIME ZONE 'UTC') ELSE "lastRefillAt" END
     WHERE "id" = $1 AND "remainingUses" IS NOT NULL
       AND (CASE WHEN ${due} THEN "refillAmount" ELSE "remainingUses" END) >= GREATEST($3::int, 1)
     RETURNING "remainingUses"`,
    keyId,
    now.toISOString(),
    cost,
  );
  const row = rows[0];
  return row === undefined ? null : Number(row.remainingUses);
}

interface PendingUsage {
  count: number;
  lastUsedAt: Date;
  lastUsedIp: string | null;
  /** The networks this batch saw the key used from (see keyNetworks.ts); absent: none tracked. */
  networks?: Map<string, NetworkUse>;
}

/** Where a valid use came from, for `key.used_from_new_network` (read only for a network new to the batch). */
export interface UseOrigin {
  tenantId: string;
  /** `METHOD /path` the resource server named, if any… */
  endpoint: string | null | undefined;
  /** …else the route of the request (its getter parses the URL: read lazily)… */
  request: RequestInfo | undefined;
  /** …else the verification path. */
  via: string;
}

const BATCH = 200;
/** Networks remembered per key per batch; more in one flush interval are left for the next uses. */
const MAX_NETWORKS_PER_KEY = 16;
/** (key, network) pairs this process wrote lately, so a key in steady use is not rewritten each flush. */
const WRITTEN_NETWORKS = 50_000;
/** A network written less than this long ago (by the verdicts' clock) is not written again. */
const REWRITE_AFTER_MS = 60 * 60_000;

/**
 * Last-used time and address and the usage counter, gathered in memory and written in batches
 * (one UPDATE … FROM (VALUES …) per 200 keys) every `intervalMs` and on close, instead of a
 * write per request. A failed write keeps its counts for the next flush.
 */
export class UsageRecorder {
  private pending = new Map<string, PendingUsage>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Uses written so far (for tests and metrics). */
  flushedUses = 0;
  /** Batched writes that failed so far (metrics). */
  failedWrites = 0;
  /** performance.now() when the oldest use in `pending`, and in the batch being written, was recorded. */
  private pendingSince: number | null = null;
  private writingSince: number | null = null;

  /** `${keyId} ${network}` → when (ms, verdict clock) this process last wrote it. */
  private readonly writtenNetworks = new LruCache<string, number>(WRITTEN_NETWORKS, Number.MAX_SAFE_INTEGER);
  /** Networks reported new so far (tests, metrics). */
  newNetworks = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    intervalMs: number,
    /** A network unused this long is new again (`key.used_from_new_network`). */
    private readonly newNetworkDays = 30,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /**
   * One valid use, in memory only. With `origin`, the network of `ip` is noted too (a map entry
   * per new address in the batch: the same address again costs one string comparison).
   */
  record(keyId: string, at: Date, ip: string | null, origin?: UseOrigin): void {
    if (this.pendingSince === null) this.pendingSince = performance.now();
    let entry = this.pending.get(keyId);
    if (entry === undefined) {
      entry = { count: 1, lastUsedAt: at, lastUsedIp: ip };
      this.pending.set(keyId, entry);
      if (origin !== undefined && ip !== null) this.noteNetwork(entry, keyId, at, ip, origin);
      return;
    }
    entry.count++;
    const sameAddress = ip === entry.lastUsedIp;
    if (at >= entry.lastUsedAt) {
      entry.lastUsedAt = at;
      entry.lastUsedIp = ip;
    }
    if (origin !== undefined && ip !== null && !sameAddress) this.noteNetwork(entry, keyId, at, ip, origin);
  }

  private noteNetwork(entry: PendingUsage, keyId: string, at: Date, ip: string, origin: UseOrigin): void {
    const network = networkOf(ip);
    if (network === null) return;
    const written = this.writtenNetworks.get(`${keyId} ${network}`);
    if (written !== undefined && at.getTime() - written < REWRITE_AFTER_MS && at.getTime() >= written) return;
    entry.networks ??= new Map();
    if (entry.networks.has(network) || entry.networks.size >= MAX_NETWORKS_PER_KEY) return;
    const endpoint = origin.endpoint ?? origin.request?.route ?? origin.via;
    entry.networks.set(network, { keyId, tenantId: origin.tenantId, network, address: ip, endpoint, at });
  }

  get pendingKeys(): number {
    return this.pending.size;
  }

  /** Seconds since the oldest use not yet written was recorded; 0 when every use is written. */
  get lagSeconds(): number {
    const oldest = Math.min(this.pendingSince ?? Infinity, this.writingSince ?? Infinity);
    return oldest === Infinity ? 0 : (performance.now() - oldest) / 1000;
  }

  /** Writes everything recorded so far; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.writingSince = this.pendingSince;
    this.pendingSince = null;
    let kept = false;
    const entries = [...batch];
    for (let i = 0; i < entries.length; i += BATCH) {
      const chunk = entries.slice(i, i + BATCH);
      try {
        await this.writeChunk(chunk);
        for (const [, usage] of chunk) this.flushedUses += usage.count;
      } catch (error) {
        this.failedWrites++;
        kept = true;
        this.logger.error({ err: error, keys: chunk.length }, 'could not write key usage; keeping it for the next flush');
        for (const [keyId, usage] of chunk) this.merge(keyId, usage);
        continue;
      }
      const networks = chunk.flatMap(([, usage]) => (usage.networks ? [...usage.networks.values()] : []));
      if (networks.length === 0) continue;
      try {
        this.newNetworks += await recordNewNetworks(this.prisma, networks, this.newNetworkDays);
        for (const use of networks) this.writtenNetworks.set(`${use.keyId} ${use.network}`, use.at.getTime());
      } catch (error) {
        // The uses are counted; only their networks wait for the next flush.
        this.failedWrites++;
        kept = true;
        this.logger.error({ err: error, networks: networks.length }, 'could not write key networks; keeping them for the next flush');
        for (const use of networks) this.keepNetwork(use);
      }
    }
    // Uses kept for the next flush are as old as the batch they came in.
    if (kept) this.pendingSince = Math.min(this.pendingSince ?? Infinity, this.writingSince ?? Infinity);
    this.writingSince = null;
  }

  private merge(keyId: string, usage: PendingUsage): void {
    const entry = this.pending.get(keyId);
    if (entry === undefined) {
      this.pending.set(keyId, usage);
      return;
    }
    entry.count += usage.count;
    if (usage.lastUsedAt > entry.lastUsedAt) {
      entry.lastUsedAt = usage.lastUsedAt;
      entry.lastUsedIp = usage.lastUsedIp;
    }
    for (const use of usage.networks?.values() ?? []) this.keepNetwork(use);
  }

  /** A network whose write failed, back into the next batch (with no use counted again). */
  private keepNetwork(use: NetworkUse): void {
    let entry = this.pending.get(use.keyId);
    if (entry === undefined) {
      entry = { count: 0, lastUsedAt: use.at, lastUsedIp: use.address };
      this.pending.set(use.keyId, entry);
      this.pendingSince ??= performance.now();
    }
    entry.networks ??= new Map();
    if (!entry.networks.has(use.network)) entry.networks.set(use.network, use);
  }

  private async writeChunk(chunk: [string, PendingUsage][]): Promise<void> {
    const params: unknown[] = [];
    const rows = chunk.map(([keyId, usage]) => {
      const n = params.length;
      params.push(keyId, usage.count, usage.lastUsedAt.toISOString(), usage.lastUsedIp);
      return `($${n + 1}::text, $${n + 2}::bigint, ($${n + 3}::timestamptz AT TIME ZONE 'UTC'), $${n + 4}::text)`;
    });
    await this.prisma.$executeRawUnsafe(
      `UPDATE "ApiKey" AS k SET
         "usageCount" = k."usageCount" + v.n,
         "lastUsedIp" = CASE WHEN k."lastUsedAt" IS NULL OR v.at >= k."lastUsedAt" THEN v.ip ELSE k."lastUsedIp" END,
         "lastUsedAt" = GREATEST(k."lastUsedAt", v.at)
       FROM (VALUES ${rows.join(', ')}) AS v(id, n, at, ip)
       WHERE k."id" = v.id`,
      ...params,
    );
  }

  /** Stops the timer and writes what is left (retrying once). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.pending.size > 0) await this.flush();
  }
}
