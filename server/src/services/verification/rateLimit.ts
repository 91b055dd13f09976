import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.ts';
import { WindowCounters } from '../throttle.ts';

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the current window ends. */
  resetAt: number;
}

/**
 * Requests per window for one counter (a key's limit, or an identity's shared by its keys). A
 * window starts with the counter's first request and lasts `windowMs` (so a burst is never split
 * across two windows and admits exactly `limit`). A request costs `cost` (default 1); one that
 * would go beyond the limit is refused and charges nothing, so a costly request refused does not
 * starve cheap ones.
 *
 * With Redis the count lives there (one atomic script call per request), shared by every
 * instance. Without Redis, or when Redis does not answer within a few milliseconds, each
 * instance counts for itself: the limit then holds per instance, never not at all.
 */
export class RateLimiter {
  private readonly local = new WindowCounters();

  constructor(
    private readonly redis: Redis | null,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    redis?.defineCommand('keywardenRateLimit', {
      numberOfKeys: 1,
      lua: `
        local cost = tonumber(ARGV[2])
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        local ttl = redis.call('PTTL', KEYS[1])
        if current + cost > tonumber(ARGV[3]) then
          return {current, ttl, 0}
        end
        local n = redis.call('INCRBY', KEYS[1], cost)
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return {n, ttl, 1}`,
    });
    redis?.defineCommand('keywardenRateLimitPeek', {
      numberOfKeys: 1,
      lua: `return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1])}`,
    });
    redis?.defineCommand('keywardenRateLimitRefund', {
      numberOfKeys: 1,
      lua: `
        if redis.call('EXISTS', KEYS[1]) == 1 then
          local n = redis.call('DECRBY', KEYS[1], ARGV[1])
          if n < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL') end
        end
        return 0`,
    });
  }

  get shared(): boolean {
    return this.redis !== null;
  }

  /** Charges `cost` to the counter named `counter` (see domain/limits.ts) if the limit allows it. */
  async hit(counter: string, limit: { max: number; windowMs: number }, cost = 1): Promise<RateLimitResult> {
    const redis = this.ready();
    if (redis) {
      try {
        const [count, ttl, allowed] = await redis.keywardenRateLimit(this.name(counter), limit.windowMs, cost, limit.max);
        return { allowed: allowed === 1, limit: limit.max, remaining: Math.max(0, limit.max - count), resetAt: Date.now() + Math.max(0, ttl) };
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'Redis rate limit unavailable; counting in this process');
      }
    }
    const window = this.local.count(counter);
    if (window.count + cost > limit.max) {
      return { allowed: false, limit: limit.max, remaining: Math.max(0, limit.max - window.count), resetAt: window.resetAt };
    }
    const after = this.local.hit(counter, limit.windowMs, cost);
    return { allowed: true, limit: limit.max, remaining: Math.max(0, limit.max - after.count), resetAt: after.resetAt };
  }

  /** Gives back a charge that did not lead to a use (another limit of the same request refused it). */
  async refund(counter: string, cost: number): Promise<void> {
    const redis = this.ready();
    if (redis) {
      try {
        await redis.keywardenRateLimitRefund(this.name(counter), cost);
        return;
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'Redis rate limit refund failed');
      }
    }
    this.local.hit(counter, 0, -cost);
  }

  /** What is left of the current window, without charging anything (for reading a key's state). */
  async peek(counter: string, limit: { max: number; windowMs: number }): Promise<{ remaining: number; resetAt: Date | null }> {
    const redis = this.ready();
    let count = 0;
    let resetAt: number | null = null;
    if (redis) {
      try {
        const [n, ttl] = await redis.keywardenRateLimitPeek(this.name(counter));
        count = n;
        resetAt = ttl > 0 ? Date.now() + ttl : null;
        return { remaining: Math.max(0, limit.max - count), resetAt: resetAt === null ? null : new Date(resetAt) };
      } catch {
        // Fall through to this process's count.
      }
    }
    const window = this.local.count(counter);
    const running = window.count > 0;
    return { remaining: Math.max(0, limit.max - window.count), resetAt: running ? new Date(window.resetAt) : null };
  }

  private name(counter: string): string {
    return `${this.prefix}:rl:${counter}`;
  }

  private ready(): RedisWithLimits | null {
    return this.redis && this.redis.status === 'ready' ? (this.redis as RedisWithLimits) : null;
  }
}

type RedisWithLimits = Redis & {
  keywardenRateLimit(key: string, windowMs: number, cost: number, max: number): Promise<[number, number, number]>;
  keywardenRateLimitPeek(key: string): Promise<[number, number]>;
  keywardenRateLimitRefund(key: string, cost: number): Promise<number>;
};

/**
 * Failed attempts (a wrong secret, an unknown or foreign key) per public id and per source
 * address. Checked before any argon2 work, so someone hammering a key with guesses is refused
 * for the cost of a map lookup. Counted per process: it protects this process's CPU, and each
 * instance's budget is small.
 */
export class FailedAttemptThrottle {
  private readonly perKey = new WindowCounters();
  private readonly perAddress = new WindowCounters();

  constructor(private readonly limits: { perKey: number; perAddress: number; windowMs: number }) {}

  /** Epoch ms when attempts may resume, or null when not throttled. */
  blockedUntil(publicId: string | null, address: string): number | null {
    const address_ = this.perAddress.count(address);
    if (address_.count >= this.limits.perAddress) return address_.resetAt;
    if (publicId !== null) {
      const key = this.perKey.count(publicId);
      if (key.count >= this.limits.perKey) return key.resetAt;
    }
    return null;
  }

  fail(publicId: string | null, address: string): void {
    this.perAddress.hit(address, this.limits.windowMs);
    if (publicId !== null) this.perKey.hit(publicId, this.limits.windowMs);
  }
}
