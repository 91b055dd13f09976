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
 * Requests per window for one key. A window starts with the key's first request and lasts
 * `windowMs` (so a burst is never split across two windows and admits exactly `max`).
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
        local n = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return {n, ttl}`,
    });
  }

  get shared(): boolean {
    return this.redis !== null;
  }

  async hit(keyId: string, limit: { max: number; windowMs: number }): Promise<RateLimitResult> {
    if (this.redis && this.redis.status === 'ready') {
      try {
        // The limit is part of the counter's name: changing it starts a fresh window.
        const name = `${this.prefix}:rl:${keyId}:${limit.max}:${limit.windowMs}`;
        const [count, ttl] = (await (this.redis as Redis & { keywardenRateLimit(key: string, windowMs: number): Promise<[number, number]> })
          .keywardenRateLimit(name, limit.windowMs));
        return result(count, limit.max, Date.now() + ttl);
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'Redis rate limit unavailable; counting in this process');
      }
    }
    const window = this.local.hit(`${keyId}:${limit.max}:${limit.windowMs}`, limit.windowMs);
    return result(window.count, limit.max, window.resetAt);
  }
}

function result(count: number, max: number, resetAt: number): RateLimitResult {
  return { allowed: count <= max, limit: max, remaining: Math.max(0, max - count), resetAt };
}

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
