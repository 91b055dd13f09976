import { KeywardenError } from '../../domain/errors.ts';

/** A task refused because the limiter's queue is full; says when to retry (http/errors.ts answers it). */
export class OverloadedError extends KeywardenError {
  readonly code = 'OVERLOADED' as const;
  constructor(readonly retryAfterSeconds: number) {
    super(`Verification capacity exhausted; retry after ${retryAfterSeconds}s`);
    this.name = 'OverloadedError';
  }
  override details() {
    return { retryAfter: this.retryAfterSeconds };
  }
}

/** Why a task was refused: the queue was full, or its wait would have been (or was) too long. */
export type OverloadReason = 'queueFull' | 'waitTooLong';

export interface LimiterBounds {
  concurrency: number;
  /** Tasks allowed to wait at once. */
  queueSize: number;
  /** The longest a task may wait for a slot; Infinity: bounded by count only. */
  maxWaitMs: number;
  retryAfterSeconds: number;
  /** Milliseconds, monotonic; injectable for tests. */
  now?: () => number;
}

interface Waiter {
  /** Hands the slot over (the task then runs). */
  admit(): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Weight of the latest task in the running mean of task durations. */
const DURATION_SMOOTHING = 0.2;

/**
 * Runs at most `concurrency` tasks at once. A task that finds every slot busy waits, bounded two
 * ways, and is refused with OverloadedError (answered 503/429 with Retry-After by the HTTP layer)
 * beyond either:
 * - by count: at most `queueSize` wait;
 * - by time: a task whose expected wait (from the recent mean task duration and the tasks ahead of
 *   it per slot) exceeds `maxWaitMs` is refused at once, and one still waiting after `maxWaitMs` is taken
 *   out of the queue and refused then (the estimate can be wrong; the timer cannot).
 * A flood of argon2 work then costs the server nothing but the refusal, instead of a queue that
 * grows until every caller times out.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  /** Running mean of task durations (ms); null until a task has finished. */
  private meanDurationMs: number | null = null;
  private readonly now: () => number;
  /** Refusals so far, by reason. */
  readonly refusals: Record<OverloadReason, number> = { queueFull: 0, waitTooLong: 0 };

  constructor(private readonly bounds: LimiterBounds) {
    this.now = bounds.now ?? (() => performance.now());
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** The wait a task queued now would expect, from recent durations; 0 while none is known. */
  get expectedWaitMs(): number {
    if (this.meanDurationMs === null) return 0;
    // The tasks ahead of it spread over the slots, plus half a run: the running tasks are on
    // average half done. An estimate leaning short: the timer refuses what it lets through wrongly.
    return (this.waiting.length / this.bounds.concurrency + 0.5) * this.meanDurationMs;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.bounds.concurrency) {
      this.running++;
    } else {
      // The slot is handed over by release(), so `running` stays counted.
      await this.enqueue();
    }
    const started = this.now();
    try {
      return await task();
    } finally {
      this.recordDuration(this.now() - started);
      this.release();
    }
  }

  /** Runs the task only if a slot is free right now (background work must never queue). */
  tryRun<T>(task: () => Promise<T>): Promise<T> | null {
    if (this.running >= this.bounds.concurrency) return null;
    return this.run(task);
  }

  private enqueue(): Promise<void> {
    const { queueSize, maxWaitMs } = this.bounds;
    if (this.waiting.length >= queueSize) return Promise.reject(this.refuse('queueFull'));
    if (this.expectedWaitMs > maxWaitMs) return Promise.reject(this.refuse('waitTooLong'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          if (waiter.timer !== undefined) clearTimeout(waiter.timer);
          resolve();
        },
        timer: undefined,
      };
      if (Number.isFinite(maxWaitMs)) {
        waiter.timer = setTimeout(() => {
          // Out of the queue before refusing: a refused waiter must never be handed a slot.
          const index = this.waiting.indexOf(waiter);
          if (index === -1) return;
          this.waiting.splice(index, 1);
          reject(this.refuse('waitTooLong'));
        }, maxWaitMs);
        // A process shutting down does not stay up for a waiter.
        waiter.timer.unref?.();
      }
      this.waiting.push(waiter);
    });
  }

  private refuse(reason: OverloadReason): OverloadedError {
    this.refusals[reason]++;
    return new OverloadedError(this.bounds.retryAfterSeconds);
  }

  private recordDuration(ms: number): void {
    this.meanDurationMs = this.meanDurationMs === null ? ms : this.meanDurationMs + DURATION_SMOOTHING * (ms - this.meanDurationMs);
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.admit();
    else this.running--;
  }
}

/** Concurrent calls with the same id share one run (e.g. one argon2 for a burst of one new key). */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(id: string, task: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(id);
    if (existing) return existing;
    const promise = task().finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, promise);
    return promise;
  }
}
