import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Caller, RequestInfo } from '../../domain/caller.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import type { Clock } from '../../domain/expiry.ts';
import type { PresentedCredential } from '../../domain/caller.ts';
import type { Logger } from '../../logger.ts';
import type { VerificationMetrics } from '../../observability/metrics.ts';
import { VerificationCaches } from './caches.ts';
import { CredentialChangeFeed } from './credentialChanges.ts';
import { InvalidationBus, pgliteTransport, postgresTransport, redisTransport, type TransportEvents, type Transport } from './invalidationBus.ts';
import { DEFAULT_VERIFICATION_OPTIONS, type VerificationOptions } from './options.ts';
import { emptyStats, Verifier, type VerificationStats, type VerifyOutcome, type VerifyRequest } from './pipeline.ts';
import { FailedAttemptThrottle, RateLimiter } from './rateLimit.ts';
import { UsageRecorder } from './usage.ts';
import { CanaryAlarm } from './canary.ts';

export type { VerifyOutcome, VerifyRequest, VerifyValid, VerifyDenied, VerificationStats, PresentedSecret } from './pipeline.ts';
export type { VerificationOptions } from './options.ts';
export { VERIFY_CODES, type VerifyCode } from './codes.ts';
export { OverloadedError } from './limiter.ts';
export { ACCESS_TOKEN_PATTERN, callerOf } from './pipeline.ts';

/** The verification pipeline of one process with its caches, invalidation bus and background writers. */
export interface VerificationService {
  readonly options: VerificationOptions;
  readonly stats: VerificationStats;
  readonly caches: VerificationCaches;
  readonly invalidation: InvalidationBus;
  /** Recorded credential changes, for GET /v1/invalidations. */
  readonly changes: CredentialChangeFeed;
  readonly usage: UsageRecorder;
  /** Canary keys: the records of their uses, and the set of their public ids. */
  readonly canaries: CanaryAlarm;
  readonly verifier: Verifier;
  /** The rate-limit counters (read by the management API to show what is left of a window). */
  readonly rateLimiter: RateLimiter;
  /** The Redis subscriber's client name (null without Redis). */
  readonly redisListenerName: string | null;
  verify(request: VerifyRequest): Promise<VerifyOutcome>;
  /** For App.apiKeyAuthenticator. */
  authenticate(credential: PresentedCredential, info: RequestInfo): Promise<Caller | null>;
  /** Resolves once the invalidation listeners made their first connection attempt. */
  ready(): Promise<void>;
  /** Writes pending usage, stops listeners and closes Redis. Idempotent. */
  close(): Promise<void>;
}

export interface VerificationDeps {
  config: Config;
  db: Database;
  logger: Logger;
  clock: Clock;
  metrics: VerificationMetrics;
}

export function createVerificationService(deps: VerificationDeps, overrides: Partial<VerificationOptions> = {}): VerificationService {
  const { config, db, logger } = deps;
  const options: VerificationOptions = {
    ...DEFAULT_VERIFICATION_OPTIONS,
    redisUrl: config.redisUrl,
    ...config.verification,
    ...overrides,
  };
  const stats = emptyStats();
  const caches = new VerificationCaches(options);

  /** CLIENT SETNAME of the Redis subscriber, so operators (and tests) can find it. */
  const redisListenerName = `${options.redisPrefix}-invalidation-${randomBytes(4).toString('hex')}`;
  let redis: Redis | null = null;
  let subscriber: Redis | null = null;
  const transports: ((events: TransportEvents) => Transport)[] = [];
  if (options.databaseNotifications && db.kind === 'postgres' && db.url) transports.push(postgresTransport(db.url, db.prisma, logger));
  if (options.databaseNotifications && db.kind === 'pglite' && db.pglite) transports.push(pgliteTransport(db.pglite));
  if (options.redisUrl) {
    // Commands fail fast while Redis is away (rate limits fall back to this process).
    redis = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2_000, commandTimeout: 500 });
    redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'Redis error'));
    subscriber = new Redis(options.redisUrl, { connectTimeout: 2_000, maxRetriesPerRequest: null, connectionName: redisListenerName });
    transports.push(redisTransport(subscriber, redis, `${options.redisPrefix}:invalidation`, logger));
  }

  const changes = new CredentialChangeFeed(db.prisma, logger);
  const canaries = new CanaryAlarm(db.prisma, logger, options.canaryRepeatWindowMs);
  const invalidation = new InvalidationBus(
    {
      apply: (change) => {
        caches.invalidate(change);
        canaries.markStale();
      },
      dropAll: () => {
        caches.clear();
        canaries.markStale();
        // Notifications may have been missed: every stream reads again.
        changes.wake(null);
      },
      onHealth: (healthy) => caches.setHealthy(healthy),
      record: (change) => changes.record(change),
      received: (change) => changes.wake(change.tenantId),
    },
    transports,
    logger,
  );
  const usage = new UsageRecorder(db.prisma, logger, options.usageFlushIntervalMs, options.newNetworkDays);
  const rateLimiter = new RateLimiter(redis, options.redisPrefix, logger);
  const verifier = new Verifier({
    prisma: db.prisma,
    logger,
    clock: deps.clock,
    serverSecret: config.serverSecret,
    argon2: config.argon2,
    options,
    caches,
    bus: invalidation,
    throttle: new FailedAttemptThrottle({ perKey: options.failedAttemptsPerKey, perAddress: options.failedAttemptsPerAddress, windowMs: options.failedAttemptsWindowMs }),
    rateLimiter,
    usage,
    canaries,
    stats,
    metrics: deps.metrics,
  });

  let closing: Promise<void> | undefined;
  return {
    options,
    stats,
    caches,
    invalidation,
    changes,
    usage,
    canaries,
    verifier,
    rateLimiter,
    redisListenerName: options.redisUrl ? redisListenerName : null,
    verify: (request) => verifier.verify(request),
    authenticate: (credential, info) => verifier.authenticate(credential, info),
    ready: () => invalidation.ready(),
    close: () =>
      (closing ??= (async () => {
        await verifier.drain();
        await usage.close();
        await invalidation.close();
        changes.close();
        const quitting = Promise.allSettled([redis?.quit(), subscriber?.quit()]);
        await Promise.race([quitting, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
        redis?.disconnect();
        subscriber?.disconnect();
      })()),
  };
}
