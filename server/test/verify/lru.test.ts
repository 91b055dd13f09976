import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/services/verification/lru.ts';

describe('LruCache', () => {
  it('evicts the least recently used entry first', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>(4, 60_000, (key) => evicted.push(key));
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, 1);
    cache.set('e', 1);
    cache.set('f', 1);
    expect(evicted).toEqual(['a', 'b']);
    expect(cache.get('c')).toBe(1);
    for (const key of ['g', 'h', 'i']) cache.set(key, 1);
    // c was used after d, e and f were stored: d, e, f go before it.
    expect(evicted).toEqual(['a', 'b', 'd', 'e', 'f']);
    expect(cache.get('c')).toBe(1);
  });

  it('keeps an entry that is read on every request, however many others pass through', () => {
    const cache = new LruCache<string, number>(8, 60_000);
    cache.set('hot', 1);
    for (let i = 0; i < 1_000; i++) {
      cache.set(`cold-${i}`, i);
      expect(cache.get('hot'), `after ${i} other entries`).toBe(1);
    }
    expect(cache.size).toBe(8);
  });

  it('never holds more than its size, and holds nothing at size 0', () => {
    const cache = new LruCache<number, number>(3, 60_000);
    for (let i = 0; i < 10; i++) cache.set(i, i);
    expect(cache.size).toBe(3);
    expect([7, 8, 9].map((k) => cache.get(k))).toEqual([7, 8, 9]);
    const off = new LruCache<number, number>(0, 60_000);
    off.set(1, 1);
    expect(off.get(1)).toBeUndefined();
  });

  it('forgets entries past their time to live, or older than a maximum age asked for', () => {
    let now = 1_000;
    const deleted: string[] = [];
    const cache = new LruCache<string, number>(10, 500, (key) => deleted.push(key), () => now);
    cache.set('a', 1);
    now += 200;
    expect(cache.get('a', 100)).toBeUndefined();
    cache.set('b', 2);
    now += 499;
    expect(cache.get('b')).toBe(2);
    now += 1;
    expect(cache.get('b')).toBeUndefined();
    expect(deleted).toEqual(['a', 'b']);
  });

  it('tells onDelete of every entry that leaves, by delete, deleteWhere and clear', () => {
    const deleted: string[] = [];
    const cache = new LruCache<string, number>(10, 60_000, (key) => deleted.push(key));
    for (const [key, value] of [['a', 1], ['b', 2], ['c', 3], ['d', 4]] as const) cache.set(key, value);
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    expect(cache.deleteWhere((value) => value % 2 === 0)).toBe(2);
    cache.clear();
    expect(deleted).toEqual(['a', 'b', 'd', 'c']);
    expect(cache.size).toBe(0);
  });
});
