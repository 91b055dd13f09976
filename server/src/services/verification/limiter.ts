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

/**
 * Runs at most `concurrency` tasks at once with at most `queueSize` waiting. A task that would
 * wait beyond that is refused at once with OverloadedError, which the HTTP layer answers with
 * 503/429 and Retry-After: a flood of argon2 work then costs the server nothing but the refusal,
 * instead of a queue that grows until every caller times out.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueSize: number,
    private readonly retryAfterSeconds: number,
  ) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) {
      this.running++;
    } else {
      if (this.waiting.length >= this.queueSize) throw new OverloadedError(this.retryAfterSeconds);
      // The slot is handed over by release(), so `running` stays counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Runs the task only if a slot is free right now (background work must never queue). */
  tryRun<T>(task: () => Promise<T>): Promise<T> | null {
    if (this.running >= this.concurrency) return null;
    return this.run(task);
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
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
