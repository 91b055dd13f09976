// A real Keywarden server for the SDK's tests: the server's own app (its test harness gives each
// file an isolated, migrated database) listening on a real port, reached over real HTTP. The
// harness's fixtures seed a platform credential and tenants with sessions straight into its
// database; everything the tests assert goes through the SDK and the network.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from '../../../server/src/app.ts';
import { loadConfig } from '../../../server/src/config.ts';
import { createLogger } from '../../../server/src/logger.ts';
import { createTestApp, LogCapture, type TestApp } from '../../../server/test/harness/app.ts';
import { openTestDatabase } from '../../../server/test/harness/database.ts';
import { createTenant, platformToken, type TestTenant } from '../../../server/test/harness/fixtures.ts';

export type { TestTenant };

export interface LiveServer {
  /** The server's base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** A platform-operator credential (`kwp_…`). */
  platformToken: string;
  harness: TestApp;
  /** A new tenant with an OWNER session (`tenant.owner.token`) and `addMember(role)`. */
  createTenant(name?: string): Promise<TestTenant>;
  /** Closes the app and its database while the port keeps answering (the server then fails every request). */
  closeDatabase(): Promise<void>;
  close(): Promise<void>;
}

/** The server's test app, or (with app options, e.g. a short audit stream) one built the same way. */
async function testApp(options?: LiveServerOptions): Promise<TestApp> {
  if (!options?.audit) return createTestApp({ env: options?.env, webhooks: options?.webhooks });
  const db = await openTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'info', KEYWARDEN_SERVER_SECRET: 'test-secret-test-secret-test-secret!', ...options.env });
  const logs = new LogCapture();
  const app = createApp({ config, db, logger: createLogger(config.logLevel, logs), ...options });
  const unsupported = () => Promise.reject(new Error('use the live server over HTTP'));
  return {
    app,
    logs,
    graphql: unsupported,
    executeOperation: unsupported,
    fetch: unsupported,
    close: async () => {
      await app.close();
      await db.dispose();
    },
  };
}

/** Settings (as environment variables) and app options of the server under test. */
export type LiveServerOptions = Pick<AppOptions, 'audit' | 'webhooks'> & { env?: Record<string, string> };

export async function startLiveServer(options?: LiveServerOptions): Promise<LiveServer> {
  const harness = await testApp(options);
  const server = http.createServer(harness.app.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const token = await platformToken(harness.app);
  let closing: Promise<void> | undefined;
  const closeDatabase = () => (closing ??= harness.close());
  return {
    url: `http://127.0.0.1:${port}`,
    platformToken: token,
    harness,
    createTenant: (name) => createTenant(harness.app, name),
    closeDatabase,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeDatabase();
    },
  };
}

/** A small local HTTP server scripted by the test (for client behaviour a real server cannot be made to show on demand). */
export async function startScriptedServer(handler: http.RequestListener): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
