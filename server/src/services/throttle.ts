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

interface Window {
  failures: number;
  endsAt: number;
}

// Expired windows are dropped on the way, so memory follows the keys seen in one window.
const SWEEP_EVERY = 1_000;

export class InMemoryFailureThrottle implements FailureThrottle {
  private readonly windows = new Map<string, Window>();
  private writesSinceSweep = 0;

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {}

  async retryAfter(key: string): Promise<number | null> {
    const window = this.current(key);
    if (!window || window.failures < this.limits.limit) return null;
    return Math.max(1, Math.ceil((window.endsAt - this.now()) / 1000));
  }

  async recordFailure(key: string): Promise<void> {
    const window = this.current(key);
    if (window) window.failures += 1;
    else this.windows.set(key, { failures: 1, endsAt: this.now() + this.limits.windowMs });
    if (++this.writesSinceSweep >= SWEEP_EVERY) this.sweep();
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private current(key: string): Window | null {
    const window = this.windows.get(key);
    if (!window) return null;
    if (window.endsAt <= this.now()) {
      this.windows.delete(key);
      return null;
    }
    return window;
  }

  private sweep(): void {
    this.writesSinceSweep = 0;
    const now = this.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }

  private now(): number {
    return this.clock().getTime();
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
