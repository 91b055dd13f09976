import type { App } from './appTypes.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import { systemClock, type Clock } from './domain/expiry.ts';
import { createYogaServer } from './yoga.ts';
import { createVerificationService, type VerificationOptions } from './services/verification/index.ts';
import { AuditStream, type AuditStreamOptions } from './services/auditStream.ts';
import { startAuditRetention } from './services/auditRetention.ts';
import { Metrics } from './observability/metrics.ts';
import { startWebhookWorker, type WebhookWorkerOptions } from './services/webhooks/worker.ts';

export type { App } from './appTypes.ts';
export type { CredentialInvalidation } from './domain/caller.ts';

export interface AppOptions {
  config: Config;
  db: Database;
  logger: Logger;
  clock?: Clock;
  /** Overrides of the verification settings (tests, benchmark); the rest come from the environment. */
  verification?: Partial<VerificationOptions>;
  /** Audit stream timing, and the retention interval (null: no timer; tests call the purge themselves). */
  audit?: Partial<AuditStreamOptions> & { retentionIntervalMs?: number | null };
  /** Webhook worker timing (null intervals: no timer; tests call runOnce/runExpiry themselves). */
  webhooks?: Partial<WebhookWorkerOptions>;
}

export function createApp(options: AppOptions): App {
  const app = {
    config: options.config,
    db: options.db,
    logger: options.logger,
    clock: options.clock ?? systemClock,
    metrics: new Metrics({ processMetrics: options.config.metrics.enabled }),
  } as Omit<App, 'yoga'> as App;
  app.verification = createVerificationService(app, options.verification);
  watchVerification(app);
  app.invalidation = app.verification.invalidation;
  app.apiKeyAuthenticator = (credential, info) => app.verification.authenticate(credential, info);
  app.auditStream = new AuditStream(app.db, app.logger, options.audit);
  app.auditRetention = startAuditRetention(app, options.audit?.retentionIntervalMs);
  app.webhooks = startWebhookWorker(app, options.webhooks);
  app.verification.canaries.onRecorded = () => app.webhooks.nudge();
  app.close = async () => {
    await Promise.all([app.verification.close(), app.auditStream.close(), app.auditRetention.stop(), app.webhooks.stop()]);
  };
  app.yoga = createYogaServer(app);
  return app;
}

/** What GET /metrics reads of the verification service when scraped. */
function watchVerification(app: App): void {
  const { verifier, caches, stats, invalidation, usage } = app.verification;
  app.metrics.watch({
    argon2: () => ({ inFlight: verifier.hashLimiter.active, queued: verifier.hashLimiter.queued, refused: { ...verifier.hashLimiter.refusals } }),
    caches: () => ({
      // A proven secret counts as a hit only when it still matches the key's hash (the pipeline's count).
      credential: { hits: stats.credentialCacheHits, misses: stats.credentialCacheMisses },
      record: { hits: caches.records.hits, misses: caches.records.misses },
      token: { hits: caches.tokens.hits, misses: caches.tokens.misses },
    }),
    throttleRefusals: () => ({ failed_attempts: stats.throttled, rate_limit: stats.rateLimited }),
    malformed: () => stats.rejectedByFormat,
    invalidationListeners: () => invalidation.listeners,
    invalidationsReceived: () => invalidation.received,
    usage: () => ({ lagSeconds: usage.lagSeconds, pendingKeys: usage.pendingKeys, flushedUses: usage.flushedUses, failedWrites: usage.failedWrites }),
  });
}
