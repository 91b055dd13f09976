// Entry point: read configuration, bind the port, open the database, migrate, serve. Nothing else
// lives here.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { openDatabase } from './db/database.ts';
import { DataDirLockedError } from './db/dataDirLock.ts';
import { applyMigrations } from './db/migrations.ts';
import { createApp } from './app.ts';
import { JSON_HEADERS } from './http/reply.ts';
import { createRequestListener } from './http/router.ts';
import { API_SECURITY_HEADERS } from './http/securityHeaders.ts';
import { bootstrapIfEmpty } from './services/bootstrap.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // The port first: a server that cannot listen stops before it touches the database.
  const server = http.createServer(answerStarting);
  await listen(server, config.host, config.port);
  // Debug: a server that stops at the database (a locked data folder) prints only that one line.
  logger.debug({ port: boundPort(server, config.port) }, 'port bound; opening the database (requests get 503 until ready)');
  const db = await openDatabase(config.database);
  if (config.migrateOnStart) {
    const { applied } = await applyMigrations(db);
    if (applied.length) logger.info({ applied }, 'applied migrations');
  }
  if (config.bootstrapOnStart) await bootstrapIfEmpty(db, process.stdout);
  const app = createApp({ config, db, logger });
  // Listen for cache invalidations before serving, so no verification misses a revocation.
  await app.verification.ready();
  // POST /v1/verify is served straight from node:http; everything else goes through Yoga.
  server.off('request', answerStarting);
  server.on('request', createRequestListener(app));
  const port = boundPort(server, config.port);
  logger.info({ port, database: db.kind }, `Keywarden listening on http://localhost:${port}/graphql`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // Stop accepting; requests already received run to completion, idle keep-alives close.
    server.close(async () => {
      // Pending usage counters are written before the database goes.
      await app.close().catch((error) => logger.error({ err: error }, 'error while closing'));
      await db.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    // Open audit subscriptions would hold the server open until the timeout: end them now
    // (a SIEM collector resumes from its last event id on another instance).
    void app.auditStream.close();
    setTimeout(() => {
      logger.warn('shutdown timeout: closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Until the database is open and migrated, every request is told to come back. */
function answerStarting(req: http.IncomingMessage, res: http.ServerResponse): void {
  const requestId = randomUUID();
  const body = { error: { code: 'SERVICE_UNAVAILABLE', message: 'Keywarden is starting; retry shortly', requestId, retryAfter: 1 } };
  res.writeHead(503, { ...JSON_HEADERS, ...API_SECURITY_HEADERS, 'retry-after': '1', 'x-request-id': requestId });
  res.end(JSON.stringify(body));
}

/** Binds the port; one that cannot be bound (in use, not permitted) ends the process with one line. */
function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve) => {
    const refused = (error: NodeJS.ErrnoException) => {
      const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      console.error(`Cannot listen on ${where}: ${LISTEN_ERRORS[error.code ?? ''] ?? error.message}`);
      process.exit(1);
    };
    server.once('error', refused);
    server.listen(port, host, () => {
      server.off('error', refused);
      resolve();
    });
  });
}

function boundPort(server: http.Server, configured: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : configured;
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied (a port below 1024 needs privileges)',
  EADDRNOTAVAIL: 'address not available on this machine',
  ENOTFOUND: 'unknown host',
};

main().catch((error) => {
  // Another process holds the data folder: one line says which; a stack would only hide it.
  console.error(error instanceof DataDirLockedError ? error.message : error instanceof Error ? error.stack : error);
  process.exit(1);
});
