import type { YogaServerInstance } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Caller, CredentialInvalidation, PresentedCredential, RequestInfo } from './domain/caller.ts';
import type { Clock } from './domain/expiry.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { AuditRetentionJob } from './services/auditRetention.ts';
import type { AuditStream } from './services/auditStream.ts';
import type { VerificationService } from './services/verification/index.ts';

// The shapes of the app and of a request's context, apart from the code that builds them
// (app.ts, context.ts), so services and the edge import them without importing each other.

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
  yoga: YogaServerInstance<ServerContext, Context>;
  /** Live audit events for the `auditEvents` subscription (LISTENs from the first subscriber on). */
  auditStream: AuditStream;
  /** Purges audit events past their tenant's retention, on a timer. */
  auditRetention: AuditRetentionJob;
  /** Sends webhook deliveries from the outbox and writes time-driven events, on timers. */
  webhooks: {
    /** One round now: claims due deliveries and sends them; answers how many were attempted. */
    runOnce(): Promise<number>;
    /** One pass of the time-driven events now; answers how many events were written. */
    runExpiry(): Promise<number>;
    /** A delivery round as soon as possible (an urgent event was just committed), when on a timer. */
    nudge(): void;
    /** Stops the timers, ends attempts in flight and hands their deliveries back at once. */
    stop(): Promise<void>;
  };
  /** Prometheus metrics of this app (its own registry), served at GET /metrics. */
  metrics: Metrics;
  /** Writes pending usage and stops listeners and Redis; call before closing the database. */
  close(): Promise<void>;
}

export interface Context {
  app: App;
  caller: Caller;
  /** Tenant callers: a client confined to their tenant. Platform operator: the whole database. */
  db: PrismaClient;
  /**
   * The whole database, unconfined: for what comes before a tenant is known (login). Inside a
   * mutation this and `db` are its transaction, so nothing may use `app.db.prisma` there.
   */
  unscoped: PrismaClient;
  /** Inside a mutation's transaction: effects that wait for its commit (and are dropped by a rollback). */
  afterCommit: (() => unknown)[] | null;
  request: RequestInfo;
}

/** What Node's http server (or a test) hands Yoga alongside the Request. */
export interface ServerContext {
  req?: Pick<IncomingMessage, 'socket'>;
}

