/**
 * Fixed-window counters in memory, for the failed-attempt throttles and the per-process rate
 * limit. A window starts at the first hit of an id and lasts `windowMs`; expired ids are swept
 * lazily so the map stays bounded by the ids active in one window.
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

  /** Adds one hit and returns the count including it. */
  hit(id: string, windowMs: number): { count: number; resetAt: number } {
    const now = this.now();
    this.sweep(now);
    let window = this.windows.get(id);
    if (window === undefined || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(id, window);
    }
    window.count++;
    return window;
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
