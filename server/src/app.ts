import type { App } from './appTypes.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import { systemClock, type Clock } from './domain/expiry.ts';
import { createYogaServer } from './yoga.ts';
import { createVerificationService, type VerificationOptions } from './services/verification/index.ts';
import { AuditStream, type AuditStreamOptions } from './services/auditStream.ts';
import { startAuditRetention } from './services/auditRetention.ts';

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
