// The resource-server guard's verdict cache: valid verdicts kept in memory, dropped as soon as the
// server announces a change of their key on GET /v1/invalidations.
//
// - Keyed by an HMAC-SHA256 (per-process random secret) of the key text together with what else
//   decides the verdict (address, endpoint, scopes): the text itself is never kept.
// - Bounded: at most `maxEntries` (least recently used go first), none older than `maxAgeMs`, none
//   past the server's `cacheableUntil` (never set for keys with rate limits or usage credits, whose
//   every request must be counted; never past the key's expiry).
// - Used only while the invalidation stream is live: one stream per client, reconnecting with
//   backoff and Last-Event-ID. While it is down every request asks the server; a `reset` (or a
//   change of the whole tenant) drops everything.
// - A verdict is stored only if no invalidation, reset or outage came while it was being asked, so
//   an answer that crossed a revocation on the wire is not kept.

import type { KeywardenClient } from './client.ts';
import type { VerifyResult } from './types.ts';

export interface VerdictCacheOptions {
  /** Verdicts kept at most (least recently used dropped first). Default 10 000. */
  maxEntries?: number;
  /** No verdict is served older than this (ms). Default 30 000. */
  maxAgeMs?: number;
}

export const DEFAULT_VERDICT_CACHE = { maxEntries: 10_000, maxAgeMs: 30_000 } as const;

/** Reconnection delays of the invalidation stream: 100 ms doubling to 5 s, with jitter. */
const BACKOFF_MS = [100, 200, 400, 800, 1_600, 3_200, 5_000];
/** The stream is taken for dead after this long without a byte (the server pings every 5 s). */
const STREAM_IDLE_MS = 15_000;

type Hmac = (text: string) => string;
let hmacFactory: Promise<Hmac> | undefined;

/**
 * An HMAC-SHA256 with a random secret of this process. Loaded on first use, so importing the SDK
 * does not import node:crypto (the management client runs where there is none).
 */
function loadHmac(): Promise<Hmac> {
  return (hmacFactory ??= import('node:crypto').then(({ createHmac, randomBytes }) => {
    const secret = randomBytes(32);
    return (text: string) => createHmac('sha256', secret).update(text).digest('base64url');
  }));
}

type Listener = (change: { keyIds: string[] } | 'all') => void;

/** One invalidation stream per client, shared by its guards. */
class InvalidationFollower {
  /** Grows on every change, reset and outage: a verdict asked across one is not stored. */
  generation = 0;
  live = false;
  private lastEventId: string | undefined;
  private readonly listeners = new Set<Listener>();
  private controller: AbortController | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly client: KeywardenClient) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.controller === null) this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private emit(change: { keyIds: string[] } | 'all'): void {
    this.generation++;
    for (const listener of this.listeners) listener(change);
  }

  private down(): void {
    if (this.live) this.live = false;
    this.generation++;
  }

  private connect(): void {
    const controller = new AbortController();
    this.controller = controller;
    void this.run(controller).finally(() => {
      this.down();
      if (this.controller !== controller) return;
      const delay = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)]!;
      this.timer = setTimeout(() => {
        if (this.controller === controller) this.connect();
      }, delay * (0.5 + Math.random() / 2));
      (this.timer as { unref?: () => void }).unref?.();
    });
  }

  private async run(controller: AbortController): Promise<void> {
    try {
      const events = this.client.invalidations({ signal: controller.signal, idleTimeoutMs: STREAM_IDLE_MS, lastEventId: this.lastEventId, timeoutMs: 10_000 });
      for await (const event of events) {
        if (event.event === 'invalidate') {
          let data: { keyIds?: unknown; tenant?: unknown };
          try {
            data = JSON.parse(event.data);
          } catch {
            data = { tenant: true };
          }
          const keyIds = Array.isArray(data.keyIds) ? data.keyIds.filter((k): k is string => typeof k === 'string') : null;
          this.emit(data.tenant === true || keyIds === null ? 'all' : { keyIds });
        } else if (event.event === 'reset') {
          this.emit('all');
        }
        if (event.id !== undefined) this.lastEventId = event.id;
        if (event.event === 'ready') {
          this.attempt = 0;
          this.live = true;
        }
      }
    } catch {
      // Down: every request asks the server until the stream is back.
    }
  }

  private stop(): void {
    clearTimeout(this.timer);
    const controller = this.controller;
    this.controller = null;
    this.down();
    controller?.abort();
  }
}

const followers = new WeakMap<KeywardenClient, InvalidationFollower>();

interface Entry {
  result: VerifyResult;
  keyId: string;
  /** Epoch ms after which it is not served. */
  until: number;
}

/** Which answers a guard's cache gives: counters for tests and metrics. */
export interface VerdictCacheStats {
  hits: number;
  misses: number;
  stored: number;
  entries: number;
  /** Whether the invalidation stream is live (verdicts are served from memory). */
  live: boolean;
}

/** What `lookup` found: the verdict kept (or null), and what `store` needs to keep a new one. */
export interface CacheLookup {
  id: string | null;
  generation: number;
  hit: VerifyResult | null;
}

/** A guard's cache. */
export class VerdictCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<string, Set<string>>();
  private readonly follower: InvalidationFollower;
  private unsubscribe: (() => void) | null = null;
  private hmac: Hmac | null = null;
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  readonly stats = { hits: 0, misses: 0, stored: 0 };

  constructor(client: KeywardenClient, options: VerdictCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_VERDICT_CACHE.maxEntries);
    this.maxAgeMs = Math.max(0, options.maxAgeMs ?? DEFAULT_VERDICT_CACHE.maxAgeMs);
    let follower = followers.get(client);
    if (!follower) followers.set(client, (follower = new InvalidationFollower(client)));
    this.follower = follower;
  }

  /** Starts following the stream (on the first request, not when the guard is made). */
  private start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.follower.subscribe((change) => (change === 'all' ? this.clear() : this.drop(change.keyIds)));
    void loadHmac().then((hmac) => (this.hmac = hmac));
  }

  /**
   * The cache key of a request (null: not cacheable yet), and the stream's generation, to be given
   * back to `store`.
   */
  lookup(key: string, ip: string | null, endpoint: string | null, scopes: readonly string[] | undefined): CacheLookup {
    this.start();
    const generation = this.follower.generation;
    if (this.hmac === null || !this.follower.live) {
      this.stats.misses++;
      return { id: null, generation, hit: null };
    }
    // Separators no key, address, endpoint or scope list contains.
    const id = this.hmac(`${key}\u0000${ip ?? ''}\u0000${endpoint ?? ''}\u0000${scopes?.join('\u0001') ?? ''}`);
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      if (Date.now() < entry.until) {
        // Most recently used last.
        this.entries.delete(id);
        this.entries.set(id, entry);
        this.stats.hits++;
        return { id, generation, hit: { ...entry.result } };
      }
      this.remove(id, entry);
    }
    this.stats.misses++;
    return { id, generation, hit: null };
  }

  /** Keeps a valid verdict the server allows caching, unless anything changed while it was asked. */
  store(lookup: { id: string | null; generation: number }, result: VerifyResult): void {
    const { id } = lookup;
    if (id === null || !result.valid || !result.keyId || !result.cacheableUntil) return;
    if (!this.follower.live || this.follower.generation !== lookup.generation) return;
    const until = Math.min(Date.now() + this.maxAgeMs, new Date(result.cacheableUntil).getTime());
    if (!(until > Date.now())) return;
    const previous = this.entries.get(id);
    if (previous) this.remove(id, previous);
    while (this.entries.size >= this.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Entry];
      this.remove(oldest, entry);
    }
    this.entries.set(id, { result: { ...result }, keyId: result.keyId, until });
    let ids = this.byKey.get(result.keyId);
    if (!ids) this.byKey.set(result.keyId, (ids = new Set()));
    ids.add(id);
    this.stats.stored++;
  }

  /** Current counters. */
  info(): VerdictCacheStats {
    return { ...this.stats, entries: this.entries.size, live: this.follower.live };
  }

  /** The cache keys held (HMACs), for tests that check no key text is kept. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  clear(): void {
    this.entries.clear();
    this.byKey.clear();
  }

  /** Stops following the stream and drops everything. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.clear();
  }

  private drop(keyIds: readonly string[]): void {
    for (const keyId of keyIds) {
      const ids = this.byKey.get(keyId);
      if (!ids) continue;
      this.byKey.delete(keyId);
      for (const id of ids) this.entries.delete(id);
    }
  }

  private remove(id: string, entry: Entry): void {
    this.entries.delete(id);
    const ids = this.byKey.get(entry.keyId);
    ids?.delete(id);
    if (ids?.size === 0) this.byKey.delete(entry.keyId);
  }
}
