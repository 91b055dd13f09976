import { availableParallelism } from 'node:os';
import { verifySecret } from '../../domain/secrets.ts';

/**
 * Tuning of the verification pipeline. Defaults suit one instance on a small machine; every value
 * can be set from the environment (config.ts, KEYWARDEN_VERIFY_* and the rest) or passed to `createApp`.
 */
export interface VerificationOptions {
  /** Verified credentials kept (LRU). 0 disables the cache: argon2 on every verification. */
  credentialCacheSize: number;
  /** Backstop: a verified credential is re-checked with argon2 at least this often. */
  credentialCacheTtlMs: number;
  /** Key records (with group, owner role, tenant flags, compiled IP rules and endpoints) kept (LRU). */
  recordCacheSize: number;
  /** Backstop for a change whose invalidation was lost: records are re-read at least this often. */
  recordCacheTtlMs: number;
  /** Unknown public ids remembered (dropped on any invalidation, so a new key is seen at once). */
  negativeCacheTtlMs: number;
  /** While no invalidation listener is connected, cached entries older than this are not used. */
  degradedMaxAgeMs: number;
  /** argon2 verifications running at once (they run on libuv's thread pool). */
  hashConcurrency: number;
  /** argon2 verifications allowed to wait; beyond that the request is refused with Retry-After. */
  hashQueueSize: number;
  /**
   * The longest an argon2 verification may wait for a slot (ms); one expected to wait longer is
   * refused at once, and one still waiting then is refused, with Retry-After.
   */
  hashMaxWaitMs: number;
  /** Retry-After (seconds) when argon2 capacity is exhausted (queue full or wait too long). */
  overloadRetryAfterSeconds: number;
  /** Failed secret checks per public id per window before further attempts are refused unhashed. */
  failedAttemptsPerKey: number;
  /** Failed attempts (wrong secret, unknown or foreign key) per source address per window. */
  failedAttemptsPerAddress: number;
  failedAttemptsWindowMs: number;
  /** Usage (last used, counters) is written in batches at this interval, and on close. */
  usageFlushIntervalMs: number;
  /** A key used from a network (IPv4 /24, IPv6 /48) it was not used from in this many days: `key.used_from_new_network`. */
  newNetworkDays: number;
  /** A canary key's uses from one address are written once per this window (the rest counted into the next event); 0: every use. */
  canaryRepeatWindowMs: number;
  /** Redis (shared rate limits, cache invalidation); null: in-process rate limits only. */
  redisUrl: string | null;
  /** Namespace of Keywarden's Redis keys and channels. */
  redisPrefix: string;
  /** PostgreSQL LISTEN/NOTIFY (and PGlite's in-process equivalent) for invalidation. */
  databaseNotifications: boolean;
  /** argon2 verify; injectable so tests can hold it. */
  verifySecret: (storedHash: string, secret: string) => Promise<boolean>;
}

export const DEFAULT_VERIFICATION_OPTIONS: Omit<VerificationOptions, 'redisUrl'> = {
  credentialCacheSize: 10_000,
  credentialCacheTtlMs: 10 * 60_000,
  recordCacheSize: 10_000,
  recordCacheTtlMs: 60_000,
  negativeCacheTtlMs: 5_000,
  degradedMaxAgeMs: 1_000,
  hashConcurrency: Math.max(1, availableParallelism()),
  hashQueueSize: 16,
  hashMaxWaitMs: 300,
  overloadRetryAfterSeconds: 1,
  failedAttemptsPerKey: 10,
  failedAttemptsPerAddress: 100,
  failedAttemptsWindowMs: 60_000,
  usageFlushIntervalMs: 1_000,
  newNetworkDays: 30,
  canaryRepeatWindowMs: 60_000,
  redisPrefix: 'keywarden',
  databaseNotifications: true,
  verifySecret,
};
