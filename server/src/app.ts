import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import type { Caller, RequestInfo } from './context.ts';
import type { PresentedCredential } from './http/credentials.ts';
import { systemClock, type Clock } from './domain/expiry.ts';
import { createYogaServer, type KeywardenYoga } from './yoga.ts';
import { createVerificationService, type VerificationOptions, type VerificationService } from './services/verification/index.ts';
import { AuditStream, type AuditStreamOptions } from './services/auditStream.ts';
import { startAuditRetention, type AuditRetentionJob } from './services/auditRetention.ts';

/**
 * Told after every committed change that can alter a verification verdict (keys, groups, members,
 * roles, tenants, IP rules, tokens), so every instance drops what it cached for them.
 */
export interface CredentialInvalidation {
  /** No keyIds: everything cached for the tenant. */
  invalidate(change: { tenantId: string; keyIds?: string[] }): Promise<void>;
}

/** Everything a request handler needs, built once per process (or per test database). */
export interface App {
  config: Config;
  db: Database;
  logger: Logger;
  clock: Clock;
  /** Resolves API keys and access tokens presented to the management API (verification pipeline). */
  apiKeyAuthenticator: (credential: PresentedCredential, info: RequestInfo) => Promise<Caller | null>;
  invalidation: CredentialInvalidation;
  /** The verification pipeline (POST /v1/verify, the `verify` query, API-key authentication) and its caches. */
  verification: VerificationService;
  yoga: KeywardenYoga;
  /** Live audit events for the `auditEvents` subscription (LISTENs from the first subscriber on). */
  auditStream: AuditStream;
  /** Purges audit events past their tenant's retention, on a timer. */
  auditRetention: AuditRetentionJob;
  /** Writes pending usage and stops listeners and Redis; call before closing the database. */
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  db: Database;
  logger: Logger;
  clock?: Clock;
  /** Overrides of the verification settings (tests, benchmark); the rest come from the environment. */
  verification?: Partial<VerificationOptions>;
  /** Audit stream timing, and the retention interval (null: no timer; tests call the purge themselves). */
  audit?: Partial<AuditStreamOptions> & { retentionIntervalMs?: number | null };
}

export function createApp(options: AppOptions): App {
  const app = {
    config: options.config,
    db: options.db,
    logger: options.logger,
    clock: options.clock ?? systemClock,
  } as Omit<App, 'yoga'> as App;
  app.verification = createVerificationService(app, options.verification);
  app.invalidation = app.verification.invalidation;
  app.apiKeyAuthenticator = (credential, info) => app.verification.authenticate(credential, info);
  app.auditStream = new AuditStream(app.db, app.logger, options.audit);
  app.auditRetention = startAuditRetention(app, options.audit?.retentionIntervalMs);
  app.close = async () => {
    await Promise.all([app.verification.close(), app.auditStream.close(), app.auditRetention.stop()]);
  };
  app.yoga = createYogaServer(app);
  return app;
}
