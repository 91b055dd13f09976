import type { Clock } from '../domain/expiry.ts';

/**
 * Counts failures (wrong passwords, …) per key in a fixed window. Once a key has `limit` failures
 * in its window, `retryAfter` says how many seconds remain until the window ends; callers refuse
 * the attempt before doing any expensive work. The in-memory implementation below is per process;
 * a Redis implementation (INCR + EXPIRE) can replace it behind this interface.
 */
export interface FailureThrottle {
  /** Seconds until the key may try again, or null when it may try now. */
  retryAfter(key: string): Promise<number | null>;
  recordFailure(key: string): Promise<void>;
  /** Forget the key's failures (after a success). */
  reset(key: string): Promise<void>;
}

export interface ThrottleLimits {
  /** Failures allowed per window; the next attempt is refused. */
  limit: number;
  windowMs: number;
}

/**
 * Fixed-window counters in memory: the login and failed-verification throttles and the
 * per-process rate limit all count with these. A window starts at the first hit of an id and
 * lasts `windowMs`; expired ids are swept lazily so the map stays bounded by the active ids.
 */
export class WindowCounters {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Current count of an id (0 when its window is over). */
  count(id: string): { count: number; resetAt: number } {
    const window = this.windows.get(id);
    const now = this.now();
    if (window === undefined || window.resetAt <= now) return { count: 0, resetAt: now };
    return window;
  }

  /** Adds `by` hits (default one) and returns the count including them. */
  hit(id: string, windowMs: number, by = 1): { count: number; resetAt: number } {
    const now = this.now();
    this.sweep(now);
    let window = this.windows.get(id);
    if (window === undefined || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(id, window);
    }
    window.count = Math.max(0, window.count + by);
    return window;
  }

  /** Forget an id's window (after a success). */
  reset(id: string): void {
    this.windows.delete(id);
  }

  private sweep(now: number): void {
    if (now < this.nextSweep && this.windows.size < 100_000) return;
    this.nextSweep = now + 10_000;
    for (const [id, window] of this.windows) if (window.resetAt <= now) this.windows.delete(id);
  }
}

/** Seconds until `resetAt`, at least 1: what a Retry-After header says. */
export function retryAfterSeconds(resetAt: number, now: number = Date.now()): number {
  return Math.max(1, Math.ceil((resetAt - now) / 1000));
}

export class InMemoryFailureThrottle implements FailureThrottle {
  private readonly now: () => number;
  private readonly counters: WindowCounters;

  constructor(
    private readonly limits: ThrottleLimits,
    clock: Clock,
  ) {
    this.now = () => clock().getTime();
    this.counters = new WindowCounters(this.now);
  }

  async retryAfter(key: string): Promise<number | null> {
    const window = this.counters.count(key);
    return window.count < this.limits.limit ? null : retryAfterSeconds(window.resetAt, this.now());
  }

  async recordFailure(key: string): Promise<void> {
    this.counters.hit(key, this.limits.windowMs);
  }

  async reset(key: string): Promise<void> {
    this.counters.reset(key);
  }
}

/**
 * Caps how many attempts per key run at once in this process. A failure is only counted once its
 * verification has finished, so without this cap a burst of simultaneous attempts would all pass
 * `retryAfter` and each cost a hash before the first failure is recorded.
 */
export class ConcurrencyGate {
  private readonly running = new Map<string, number>();

  /** Runs `work` when every key is below its cap; returns `{ ran: false }` (running nothing) otherwise. */
  async run<T>(caps: Record<string, number>, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    const keys = Object.keys(caps);
    if (keys.some((key) => (this.running.get(key) ?? 0) >= caps[key]!)) return { ran: false };
    for (const key of keys) this.running.set(key, (this.running.get(key) ?? 0) + 1);
    try {
      return { ran: true, value: await work() };
    } finally {
      for (const key of keys) {
        const left = (this.running.get(key) ?? 1) - 1;
        if (left === 0) this.running.delete(key);
        else this.running.set(key, left);
      }
    }
  }
}
