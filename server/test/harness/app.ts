import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createRequestListener } from '../../src/http/router.ts';
import { loadConfig } from '../../src/config.ts';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { createLogger } from '../../src/logger.ts';
import type { Clock } from '../../src/domain/expiry.ts';
import { print } from 'graphql';
import { openTestDatabase } from './database.ts';
import { contract } from './openapi.ts';
import type { OperationResult, TypedDocumentNode } from './operation.ts';

/** Collects every log line the app writes, so tests can assert what never appears in logs. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface TestApp {
  app: App;
  logs: LogCapture;
  /** Sends a GraphQL request through Yoga (real Request/Response, no port). */
  graphql<T = any>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GraphQLResponse<T>>;
  /** Runs a typed document through Yoga: the result and the variables are typed by the document. */
  executeOperation<R, V>(document: TypedDocumentNode<R, V>, variables: V, options?: RequestOptions): Promise<OperationResult<R>>;
  /** Any HTTP request through the same server; answers of REST paths are checked against the OpenAPI document. */
  fetch(path: string, init?: RequestInit, options?: { ip?: string }): Promise<Response>;
  close(): Promise<void>;
}

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>` unless `headers` says otherwise. */
  token?: string;
  headers?: Record<string, string>;
  /** The socket address the request appears to come from. */
  ip?: string;
}

export interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  data: T | null | undefined;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
  /** The raw body, for assertions that a value never appears in a response. */
  body: string;
}

/**
 * A fresh database and app; `verification` and `audit` override those settings, as in createApp.
 * With `db` (another test app's database), a second instance on it, which leaves it open on close.
 */
export async function createTestApp(
  options: { env?: Record<string, string> } & Pick<AppOptions, 'clock' | 'verification' | 'audit' | 'webhooks'> & { db?: AppOptions['db'] } = {},
): Promise<TestApp> {
  const own = options.db === undefined ? await openTestDatabase() : null;
  const db = options.db ?? own!;
  // argon2's wait bound is generous here: how long a hash takes depends on the machine's load, and
  // only the tests of that bound (which set it) may see a refusal from it.
  const config = loadConfig({
    LOG_LEVEL: 'info',
    KEYWARDEN_SERVER_SECRET: 'test-secret-test-secret-test-secret!',
    KEYWARDEN_HASH_MAX_WAIT_MS: '60000',
    ...options.env,
  });
  const logs = new LogCapture();
  const { env: _env, db: _db, ...appOptions } = options;
  // The webhook worker runs on a timer only in the tests that ask for it.
  const app = createApp({ config, db, logger: createLogger(config.logLevel, logs), ...appOptions, webhooks: { pollIntervalMs: null, expiryIntervalMs: null, ...appOptions.webhooks } });
  // As the server does: listen for invalidations before the first request.
  await app.verification.ready();

  // Every answer of a documented REST path is checked against the OpenAPI document (harness/openapi.ts).
  const fetchThrough = async (path: string, init: RequestInit = {}, ip = '127.0.0.1') => {
    const response = await app.yoga.fetch(`http://keywarden.test${path}`, init, { req: { socket: { remoteAddress: ip } } as any });
    await contract().check(init.method ?? 'GET', new URL(path, 'http://keywarden.test').pathname, response);
    return response;
  };

  async function post(query: string, variables?: Record<string, unknown>, opts: RequestOptions = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
    if (opts.token && !headers.authorization) headers.authorization = `Bearer ${opts.token}`;
    const response = await fetchThrough('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) }, opts.ip);
    const body = await response.text();
    const parsed = JSON.parse(body);
    return { status: response.status, headers: response.headers, data: parsed.data, errors: parsed.errors, body };
  }

  return {
    app,
    logs,
    fetch: (path, init, opts) => fetchThrough(path, init, opts?.ip),
    graphql: post,
    executeOperation: (document, variables, opts) => post(print(document), variables as Record<string, unknown>, opts),
    close: async () => {
      await app.close();
      await own?.dispose();
    },
  };
}

export interface Listening {
  port: number;
  /** Drops open connections and stops listening. */
  close(): Promise<void>;
}

/** The app on a real port of 127.0.0.1, served as the server process serves it (or by `handler`). */
export async function listen(app: App, handler: http.RequestListener = createRequestListener(app)): Promise<Listening> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
