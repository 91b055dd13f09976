import type { Caller } from '../../domain/caller.ts';
import type { CompiledRouteMap } from '../../domain/routeMap.ts';
import { LruCache } from './lru.ts';
import type { KeyRecord } from './keyRecord.ts';
import type { VerificationOptions } from './options.ts';

/** A secret that passed argon2 for a key, remembered under HMAC(server secret, public id + secret). */
export interface VerifiedCredential {
  keyId: string;
  tenantId: string;
  /** The stored hash it matched: the entry counts only while the key still has that hash. */
  matchedHash: string;
}

/** An access token read from the database, remembered under SHA-256 of the token. */
export interface CachedToken {
  id: string;
  tenantId: string;
  keyId: string;
  scopes: readonly string[];
  expiresAt: Date;
  revoked: boolean;
}

/** A member's session as read for authentication (see SESSION_CACHE_TTL_MS). */
export interface CachedSession {
  caller: Extract<Caller, { kind: 'member' }>;
  expiresAt: Date;
  generation: number;
}

/**
 * How long a session read from the database is trusted. Revoking a session sends no invalidation
 * message (logouts are frequent, and a tenant-wide invalidation would cost every key of the tenant
 * an argon2), so on other instances a revoked session may act for at most this long after it was
 * last read; on the instance that revoked it, not at all.
 */
export const SESSION_CACHE_TTL_MS = 1_000;

export interface InvalidationChange {
  tenantId: string;
  /** No keyIds: everything of the tenant. */
  keyIds?: readonly string[];
}

/**
 * The verification caches of one process and the one way to drop entries from them.
 *
 * `generation` grows with every invalidation; a loader notes it before reading the database and
 * stores its result only if it has not changed, so a read that raced with a change can never
 * put the old state back into the cache after the change's invalidation went by.
 */
export class VerificationCaches {
  generation = 0;
  /** False while no invalidation listener is connected: entries are then trusted only briefly. */
  private healthy = true;

  readonly records: LruCache<string, KeyRecord>;
  readonly credentials: LruCache<string, VerifiedCredential>;
  readonly tokens: LruCache<string, CachedToken>;
  readonly unknownPublicIds: LruCache<string, true>;
  /** By SHA-256 of the session token. */
  readonly sessions: LruCache<string, CachedSession>;
  /** Forward-auth route maps by tenant id (a tenant without one: NO_ROUTE_MAP). */
  readonly routeMaps: LruCache<string, CompiledRouteMap>;

  private readonly publicIdByKeyId = new Map<string, string>();
  private readonly credentialsByKeyId = new Map<string, Set<string>>();
  private readonly tokensByKeyId = new Map<string, Set<string>>();

  constructor(private readonly options: VerificationOptions) {
    this.records = new LruCache(options.recordCacheSize, options.recordCacheTtlMs, (publicId, record) => {
      if (this.publicIdByKeyId.get(record.id) === publicId) this.publicIdByKeyId.delete(record.id);
    });
    this.credentials = new LruCache(options.credentialCacheSize, options.credentialCacheTtlMs, (hmac, entry) =>
      removeFromIndex(this.credentialsByKeyId, entry.keyId, hmac),
    );
    this.tokens = new LruCache(options.credentialCacheSize, options.recordCacheTtlMs, (hash, token) =>
      removeFromIndex(this.tokensByKeyId, token.keyId, hash),
    );
    this.unknownPublicIds = new LruCache(options.recordCacheSize, options.negativeCacheTtlMs);
    this.sessions = new LruCache(options.recordCacheSize, SESSION_CACHE_TTL_MS);
    this.routeMaps = new LruCache(Math.max(options.recordCacheSize, 1), options.recordCacheTtlMs);
  }

  /** Entries are usable for at most this long right now (undefined: until their TTL). */
  private get maxAge(): number | undefined {
    return this.healthy ? undefined : this.options.degradedMaxAgeMs;
  }

  /** True while an invalidation listener is connected (every change is heard). */
  get isHealthy(): boolean {
    return this.healthy;
  }

  setHealthy(healthy: boolean): void {
    this.healthy = healthy;
  }

  getRecord(publicId: string): KeyRecord | undefined {
    return this.records.get(publicId, this.maxAge);
  }

  getRecordByKeyId(keyId: string): KeyRecord | undefined {
    const publicId = this.publicIdByKeyId.get(keyId);
    return publicId === undefined ? undefined : this.getRecord(publicId);
  }

  isKnownUnknown(publicId: string): boolean {
    return this.unknownPublicIds.get(publicId, this.maxAge) !== undefined;
  }

  /** Stores a database read made at `generation` (nothing, if an invalidation came since). */
  storeRecord(publicId: string, record: KeyRecord | null, generation: number): void {
    if (generation !== this.generation) return;
    if (record === null) {
      this.unknownPublicIds.set(publicId, true);
      return;
    }
    this.records.set(publicId, record);
    this.publicIdByKeyId.set(record.id, publicId);
  }

  getCredential(hmac: string): VerifiedCredential | undefined {
    return this.credentials.get(hmac, this.maxAge);
  }

  storeCredential(hmac: string, entry: VerifiedCredential, generation: number): void {
    this.storeForKey(this.credentials, this.credentialsByKeyId, hmac, entry, generation);
  }

  getToken(hash: string): CachedToken | undefined {
    return this.tokens.get(hash, this.maxAge);
  }

  storeToken(hash: string, token: CachedToken, generation: number): void {
    this.storeForKey(this.tokens, this.tokensByKeyId, hash, token, generation);
  }

  /** Caches an entry of a key, indexed by the key's id, unless an invalidation came since the read began. */
  private storeForKey<T extends { keyId: string }>(
    cache: LruCache<string, T>, index: Map<string, Set<string>>, id: string, entry: T, generation: number,
  ): void {
    if (generation !== this.generation) return;
    cache.set(id, entry);
    addToIndex(index, entry.keyId, id);
  }

  /** A session read since the last invalidation, less than SESSION_CACHE_TTL_MS ago. */
  getSession(tokenHash: string): CachedSession | undefined {
    const entry = this.sessions.get(tokenHash);
    return entry !== undefined && entry.generation === this.generation ? entry : undefined;
  }

  storeSession(tokenHash: string, entry: CachedSession): void {
    if (entry.generation === this.generation) this.sessions.set(tokenHash, entry);
  }

  /** After sessions were revoked here: none is trusted from memory any more. */
  forgetSessions(): void {
    this.sessions.clear();
  }

  getRouteMap(tenantId: string): CompiledRouteMap | undefined {
    return this.routeMaps.get(tenantId, this.maxAge);
  }

  /** Stores a route map read at `generation` (nothing, if an invalidation came since). */
  storeRouteMap(tenantId: string, map: CompiledRouteMap, generation: number): void {
    if (generation === this.generation) this.routeMaps.set(tenantId, map);
  }

  /** Drops what a change may have made stale. Synchronous: done before the change is announced. */
  invalidate(change: InvalidationChange): void {
    this.generation++;
    // Any change of a tenant (a route map change is announced as one with no keys) rereads its map.
    this.routeMaps.delete(change.tenantId);
    // A new key (possibly with a chosen public id) must be seen at once: unknown ids are cheap to forget.
    this.unknownPublicIds.clear();
    if (change.keyIds === undefined) {
      this.records.deleteWhere((r) => r.tenantId === change.tenantId);
      this.credentials.deleteWhere((c) => c.tenantId === change.tenantId);
      this.tokens.deleteWhere((t) => t.tenantId === change.tenantId);
      return;
    }
    for (const keyId of change.keyIds) {
      const publicId = this.publicIdByKeyId.get(keyId);
      if (publicId !== undefined) this.records.delete(publicId);
      for (const hmac of [...(this.credentialsByKeyId.get(keyId) ?? [])]) this.credentials.delete(hmac);
      for (const hash of [...(this.tokensByKeyId.get(keyId) ?? [])]) this.tokens.delete(hash);
    }
  }

  /** Forgets everything (a listener reconnected: changes made meanwhile were not heard). */
  clear(): void {
    this.generation++;
    this.records.clear();
    this.credentials.clear();
    this.tokens.clear();
    this.unknownPublicIds.clear();
    this.sessions.clear();
    this.routeMaps.clear();
  }

  get sizes(): { records: number; credentials: number; tokens: number; unknownPublicIds: number } {
    return {
      records: this.records.size,
      credentials: this.credentials.size,
      tokens: this.tokens.size,
      unknownPublicIds: this.unknownPublicIds.size,
    };
  }
}

function addToIndex(index: Map<string, Set<string>>, keyId: string, entry: string): void {
  let set = index.get(keyId);
  if (!set) index.set(keyId, (set = new Set()));
  set.add(entry);
}

function removeFromIndex(index: Map<string, Set<string>>, keyId: string, entry: string): void {
  const set = index.get(keyId);
  if (!set) return;
  set.delete(entry);
  if (set.size === 0) index.delete(keyId);
}
