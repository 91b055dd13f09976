/**
 * A bounded map: least recently used entries go first, and every entry has a time to live.
 * `onDelete` runs for every entry that leaves (eviction, expiry, delete, clear), so callers can
 * keep secondary indexes (by key id, by tenant) exact.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; storedAt: number; expiresAt: number; touched: number }>();
  /** Counts insertions and moves to the young end; `ticks - touched` bounds an entry's distance from it. */
  private ticks = 0;
  /** Lookups that found a usable entry, and those that did not (metrics). */
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxSize: number,
    private readonly ttlMs: number,
    private readonly onDelete?: (key: K, value: V) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The value, unless absent, expired, or (with maxAgeMs) stored longer ago than that. */
  get(key: K, maxAgeMs?: number): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    const now = this.now();
    if (entry.expiresAt <= now || (maxAgeMs !== undefined && now - entry.storedAt > maxAgeMs)) {
      this.misses++;
      this.delete(key);
      return undefined;
    }
    this.hits++;
    // Re-inserting moves the entry to the young end of the Map's insertion order. An entry moved
    // or stored within the last half-capacity of ticks is still in the young half, far from
    // eviction, so the hot path skips the delete and insert for it.
    if (this.ticks - entry.touched > this.maxSize / 2) {
      this.map.delete(key);
      this.map.set(key, entry);
      entry.touched = ++this.ticks;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    if (this.maxSize <= 0) return;
    this.delete(key);
    const now = this.now();
    this.map.set(key, { value, storedAt: now, expiresAt: now + this.ttlMs, touched: ++this.ticks });
    while (this.map.size > this.maxSize) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    const entry = this.map.get(key);
    if (entry === undefined) return false;
    this.map.delete(key);
    this.onDelete?.(key, entry.value);
    return true;
  }

  /** Deletes every entry whose value matches. O(n): for rare, wide invalidations. */
  deleteWhere(predicate: (value: V) => boolean): number {
    let deleted = 0;
    for (const [key, entry] of [...this.map]) {
      if (predicate(entry.value) && this.delete(key)) deleted++;
    }
    return deleted;
  }

  clear(): void {
    for (const key of [...this.map.keys()]) this.delete(key);
  }
}
