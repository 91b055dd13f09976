import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConcurrencyLimiter, OverloadedError, type LimiterBounds } from '../../src/services/verification/limiter.ts';

// The argon2 limiter on its own: tasks are promises the test settles, time is a clock the test
// sets (and vitest's fake timers for the wait bound's timer).

/** A task the test finishes: `started` once the limiter runs it, `finish()` to end it. */
function controlled() {
  let finish!: () => void;
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = new Promise<void>((resolve) => (finish = resolve));
  let running = false;
  const task = async () => {
    running = true;
    markStarted();
    await done;
    return 'done';
  };
  return { task, started, finish, isRunning: () => running };
}

/** The settled state of a promise, without waiting for it. */
async function state(p: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  const marker = Symbol('pending');
  try {
    return (await Promise.race([p, Promise.resolve(marker)])) === marker ? 'pending' : 'fulfilled';
  } catch {
    return 'rejected';
  }
}

let clock = 0;
const limiter = (bounds: Partial<LimiterBounds> = {}) =>
  new ConcurrencyLimiter({ concurrency: 1, queueSize: 10, maxWaitMs: Infinity, retryAfterSeconds: 2, now: () => clock, ...bounds });

afterEach(() => {
  vi.useRealTimers();
  clock = 0;
});

describe('count bound', () => {
  it('runs at most `concurrency` tasks, hands slots over in order, and refuses beyond the queue', async () => {
    const l = limiter({ concurrency: 2, queueSize: 2 });
    const tasks = Array.from({ length: 5 }, () => controlled());
    const runs = tasks.map((t) => l.run(t.task));
    await Promise.all([tasks[0]!.started, tasks[1]!.started]);
    expect([l.active, l.queued]).toEqual([2, 2]);
    expect(tasks.map((t) => t.isRunning())).toEqual([true, true, false, false, false]);
    const refused = await runs[4]!.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OverloadedError);
    expect((refused as OverloadedError).retryAfterSeconds).toBe(2);
    expect(l.refusals).toEqual({ queueFull: 1, waitTooLong: 0 });

    tasks[1]!.finish();
    await tasks[2]!.started;
    expect(tasks[3]!.isRunning()).toBe(false);
    for (const t of tasks) t.finish();
    expect(await Promise.all(runs.slice(0, 4))).toEqual(['done', 'done', 'done', 'done']);
    expect([l.active, l.queued]).toEqual([0, 0]);
  });

  it('tryRun never queues: null while every slot is busy', async () => {
    const l = limiter();
    const first = controlled();
    const run = l.run(first.task);
    await first.started;
    expect(l.tryRun(async () => 'background')).toBeNull();
    expect(l.queued).toBe(0);
    first.finish();
    await run;
    expect(await l.tryRun(async () => 'background')).toBe('background');
  });

  it('a failing task frees its slot', async () => {
    const l = limiter();
    await expect(l.run(async () => Promise.reject(new Error('argon2 failed')))).rejects.toThrow('argon2 failed');
    expect(l.active).toBe(0);
    expect(await l.run(async () => 'next')).toBe('next');
  });
});

describe('wait bound: the timer', () => {
  it('refuses a task still waiting after maxWaitMs, takes it out of the queue, and leaks no slot', async () => {
    vi.useFakeTimers();
    const l = limiter({ maxWaitMs: 300 });
    const first = controlled();
    const running = l.run(first.task);
    await first.started;
    const late = controlled();
    const waiting = l.run(late.task);
    const refusal = waiting.catch((e: unknown) => e);
    expect(l.queued).toBe(1);

    await vi.advanceTimersByTimeAsync(299);
    expect(await state(waiting)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await refusal).toBeInstanceOf(OverloadedError);
    expect(l.refusals).toEqual({ queueFull: 0, waitTooLong: 1 });
    expect([l.active, l.queued]).toEqual([1, 0]);

    // The refused task never runs; the slot goes back to the pool, not to it.
    first.finish();
    await running;
    expect(late.isRunning()).toBe(false);
    expect([l.active, l.queued]).toEqual([0, 0]);
    const next = controlled();
    const nextRun = l.run(next.task);
    await next.started;
    expect(l.active).toBe(1);
    next.finish();
    expect(await nextRun).toBe('done');
  });

  it('a task admitted before the bound runs to completion, however long it then takes', async () => {
    vi.useFakeTimers();
    const l = limiter({ maxWaitMs: 300 });
    const first = controlled();
    const running = l.run(first.task);
    await first.started;
    const second = controlled();
    const admitted = l.run(second.task);
    await vi.advanceTimersByTimeAsync(200);
    first.finish();
    await second.started;
    await vi.advanceTimersByTimeAsync(10_000); // its timer was cleared when it got the slot
    second.finish();
    expect(await Promise.all([running, admitted])).toEqual(['done', 'done']);
    expect(l.refusals.waitTooLong).toBe(0);
  });

  it('refuses only the waiters past the bound; later ones keep their place', async () => {
    vi.useFakeTimers();
    const l = limiter({ maxWaitMs: 300 });
    const first = controlled();
    const running = l.run(first.task);
    await first.started;
    const early = controlled();
    const earlyRun = l.run(early.task).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(200);
    const later = controlled();
    const laterRun = l.run(later.task);
    await vi.advanceTimersByTimeAsync(100);
    expect(await earlyRun).toBeInstanceOf(OverloadedError);
    expect(l.queued).toBe(1);
    first.finish();
    await later.started;
    later.finish();
    expect(await Promise.all([running, laterRun])).toEqual(['done', 'done']);
    expect(early.isRunning()).toBe(false);
  });
});

describe('wait bound: the estimate', () => {
  /** Runs `n` tasks of `ms` each on the injected clock, so the limiter learns their duration. */
  async function learn(l: ConcurrencyLimiter, n: number, ms: number) {
    for (let i = 0; i < n; i++) {
      await l.run(async () => {
        clock += ms;
      });
    }
  }

  it('refuses at once a task expected to wait beyond the bound, without waiting for it', async () => {
    const l = limiter({ concurrency: 1, queueSize: 100, maxWaitMs: 250 });
    await learn(l, 3, 100);
    expect(l.expectedWaitMs).toBe(50); // nothing waiting: half a run
    const first = controlled();
    const running = l.run(first.task);
    await first.started;
    // Expected waits 50, 150, 250 ms: queued. The next would expect 350 ms: refused at once.
    const queued = [controlled(), controlled(), controlled()];
    const waits = queued.map((t) => l.run(t.task));
    expect(l.queued).toBe(3);
    expect(l.expectedWaitMs).toBe(350);
    await expect(l.run(async () => 'too late')).rejects.toBeInstanceOf(OverloadedError);
    expect(l.refusals).toEqual({ queueFull: 0, waitTooLong: 1 });
    expect(l.queued).toBe(3);

    first.finish();
    for (const t of queued) t.finish();
    expect(await Promise.all([running, ...waits])).toEqual(['done', 'done', 'done', 'done']);
    expect([l.active, l.queued]).toEqual([0, 0]);
  });

  it('spreads the queue over the slots, and follows the durations as they change', async () => {
    const l = limiter({ concurrency: 4, queueSize: 100, maxWaitMs: 1_000 });
    await learn(l, 1, 200);
    expect(l.expectedWaitMs).toBe(100);
    const held = Array.from({ length: 8 }, () => controlled());
    const runs = held.map((t) => l.run(t.task));
    await Promise.all(held.slice(0, 4).map((t) => t.started));
    expect(l.queued).toBe(4);
    expect(l.expectedWaitMs).toBe(300); // (4 waiting / 4 slots + 0.5) × 200
    for (const t of held) t.finish();
    await Promise.all(runs);
    // Faster runs since (each took 0 ms on the clock) lower the mean, and the estimate with it.
    expect(l.expectedWaitMs).toBeLessThan(100);
  });

  it('knows no duration before the first task has finished: the timer alone bounds the wait', () => {
    const l = limiter({ maxWaitMs: 1 });
    expect(l.expectedWaitMs).toBe(0);
  });
});
