import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { RequestInfo } from '../../domain/caller.ts';
import type { Logger } from '../../logger.ts';
import type { VerifyPath } from '../../observability/metrics.ts';
import { recordAudit } from '../audit.ts';

// Canary keys (honeytokens): keys made to be found by a thief and never used by anyone else. The
// pipeline answers any use of one exactly as it answers an unknown key; this module records it.

export const CANARY_ACTION = 'canary.triggered';

/** Where a canary was presented. Never holds the presented secret. */
export interface CanaryUse {
  keyId: string;
  tenantId: string;
  publicId: string;
  /** The end client's address when the resource server gave one, else the peer's. */
  address: string;
  /** The HTTP peer, when it differs from `address` (a resource server asking /v1/verify). */
  peerAddress: string | null;
  via: VerifyPath;
  /** `METHOD /path` being called (verify, forward-auth); null: not given. */
  endpoint: string | null;
  request: RequestInfo | undefined;
  /** The secret matched (true), did not (false), or was not checked (null: throttled or argon2 busy). */
  genuine: boolean | null;
}

const MAX_SLOTS = 10_000;

interface RecentAlarm {
  /** Epoch ms: later uses from the same address are counted, not written, until then. */
  windowEnds: number;
  /** The audit write of the alarm (awaited by repeats, so their answer also comes after it). */
  written: Promise<void>;
  /** Uses from the same address since, not written: the next event carries the count. */
  repeats: number;
}

/**
 * Writes `canary.triggered` at once (its own transaction, before the answer), at most once per
 * key and address per `windowMs` (default a minute); repeats within the window are counted and
 * reported by the next event
 * for them. Also keeps the set of canary public ids, so that an attempt the
 * failed-attempt throttle would refuse unread is still recognised.
 */
export class CanaryAlarm {
  /** `${keyId} ${address}` → the last event written for them (insertion order: oldest first). */
  private readonly recent = new Map<string, RecentAlarm>();
  private publicIds: Set<string> | null = null;
  private loadedAt = 0;
  private loading: Promise<Set<string>> | null = null;
  /** Events written so far (tests, metrics). */
  triggered = 0;
  /** Called after each event commits: its webhooks go out at once, not at the next poll. */
  onRecorded: () => void = () => {};

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly windowMs = 60_000,
    /** The canary set is re-read at most this often, and only after an invalidation or this long. */
    private readonly refreshMs = 30_000,
  ) {}

  /** Any committed key change (a new canary among them) makes the next lookup re-read the set. */
  markStale(): void {
    this.loadedAt = 0;
  }

  /** Whether `publicId` is a canary, from the in-memory set (re-read when stale). */
  async isCanary(publicId: string): Promise<boolean> {
    const now = Date.now();
    if (this.publicIds === null || now - this.loadedAt > this.refreshMs) {
      this.loading ??= this.prisma.apiKey
        .findMany({ where: { canary: true }, select: { publicId: true } })
        .then((rows) => {
          this.publicIds = new Set(rows.map((r) => r.publicId));
          this.loadedAt = Date.now();
          return this.publicIds;
        })
        .finally(() => {
          this.loading = null;
        });
      return (await this.loading).has(publicId);
    }
    return this.publicIds.has(publicId);
  }

  /**
   * Records the use unless the same key was already reported for this address within the window.
   * Resolves once the event is committed (or its write failed and was logged): never throws.
   * `checkSecret` runs only for a use that is written, and only when `use.genuine` is null.
   */
  trigger(use: CanaryUse, checkSecret: (() => Promise<boolean | null>) | null): Promise<void> {
    const slot = `${use.keyId} ${use.address}`;
    const now = Date.now();
    const recent = this.recent.get(slot);
    if (recent !== undefined && now < recent.windowEnds) {
      recent.repeats++;
      return recent.written;
    }
    this.recent.delete(slot);
    if (this.recent.size >= MAX_SLOTS) this.sweep(now);
    const alarm: RecentAlarm = { windowEnds: now + this.windowMs, repeats: 0, written: Promise.resolve() };
    alarm.written = (async () => {
      const genuine = use.genuine ?? (checkSecret === null ? null : await checkSecret().catch(() => null));
      await this.write({ ...use, genuine }, recent?.repeats ?? 0);
    })();
    this.recent.set(slot, alarm);
    return alarm.written;
  }

  /** Drops ended windows (their uncounted repeats with them), then the oldest if still full. */
  private sweep(now: number): void {
    for (const [slot, alarm] of this.recent) if (now >= alarm.windowEnds) this.recent.delete(slot);
    for (const slot of this.recent.keys()) {
      if (this.recent.size < MAX_SLOTS) break;
      this.recent.delete(slot);
    }
  }

  private async write(use: CanaryUse, repeatsBefore: number): Promise<void> {
    const { request } = use;
    try {
      await this.prisma.$transaction((tx) =>
        recordAudit(tx, {
          caller: { kind: 'anonymous' },
          request: { id: request?.id ?? `canary-${randomUUID()}`, ip: use.address, userAgent: request?.userAgent ?? null },
        }, {
          tenantId: use.tenantId,
          action: CANARY_ACTION,
          targetType: 'ApiKey',
          targetId: use.keyId,
          changes: {
            publicId: use.publicId,
            address: use.address,
            peerAddress: use.peerAddress,
            userAgent: request?.userAgent ?? null,
            via: use.via,
            route: request?.route ?? null,
            endpoint: use.endpoint,
            genuine: use.genuine,
            repeatsSinceLastEvent: repeatsBefore,
          },
        }));
      this.triggered++;
      this.onRecorded();
      this.logger.warn({ keyId: use.keyId, tenantId: use.tenantId, address: use.address, via: use.via, requestId: request?.id }, 'canary key used');
    } catch (error) {
      this.logger.error({ err: error, keyId: use.keyId, tenantId: use.tenantId, address: use.address }, 'could not record a canary key use');
    }
  }
}
