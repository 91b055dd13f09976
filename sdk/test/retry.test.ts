// The client's retry policy. A real server cannot be made to answer 429/503 or to drop a
// connection on demand, so these scripted local HTTP servers do, over real sockets; the real
// server's own 429 (the login throttle) is in errors.test.ts.
import type http from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { NetworkError, RateLimitedError, ServerError, TimeoutError, createClient, type RetryInfo } from '../src/index.ts';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, surelyNotSent } from '../src/retry.ts';
import { closedPort, startScriptedServer } from './helpers/liveServer.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function scripted(handler: Handler) {
  let n = 0;
  const server = await startScriptedServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c) => body.push(c));
    req.on('end', () => handler(req, res, ++n));
  });
  servers.push(server);
  return server;
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const viewerData = { data: { viewer: { kind: 'ANONYMOUS', tenantId: null, address: '127.0.0.1', scopes: [] } } };
const tenantData = { data: { createTenant: { __typename: 'TenantPayload', tenant: { id: 'ten_1', name: 'A', slug: 'a' } } } };

describe('retries', () => {
  test('429 with Retry-After: 1, then 200: waits at least the second and succeeds', async () => {
    const server = await scripted((_req, res, n) => {
      if (n === 1) json(res, 429, { errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }] }, { 'retry-after': '1' });
      else json(res, 200, viewerData);
    });
    const retries: RetryInfo[] = [];
    const client = createClient({ url: server.url, retry: { onRetry: (info) => retries.push(info) } });
    const started = Date.now();
    const viewer = await client.viewer();
    expect(viewer.kind).toBe('ANONYMOUS');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(server.requests).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, operation: 'Viewer' });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(retries[0]!.error).toBeInstanceOf(RateLimitedError);
  });

  test('a mutation is retried on 503 (answered before any work), honouring Retry-After', async () => {
    const server = await scripted((_req, res, n) => {
      if (n === 1) {
        res.writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain' });
        res.end('overloaded');
      } else json(res, 200, tenantData);
    });
    const started = Date.now();
    const tenant = await createClient({ url: server.url }).tenants.create({ name: 'A', slug: 'a' });
    expect(tenant.id).toBe('ten_1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(server.requests).toBe(2);
  });

  test('REST verify: 429 then 200', async () => {
    const server = await scripted((req, res, n) => {
      expect(req.url).toBe('/v1/verify');
      if (n === 1) json(res, 429, { error: { code: 'RATE_LIMITED', message: 'slow down', retryAfter: 1 } }, { 'retry-after': '1' });
      else json(res, 200, { valid: false, code: 'NOT_FOUND', message: 'unknown key' });
    });
    const result = await createClient({ url: server.url }).verify({ key: 'kw_whatever' });
    expect(result).toMatchObject({ valid: false, code: 'NOT_FOUND', keyId: null });
    expect(server.requests).toBe(2);
  });

  test('a Retry-After longer than maxRetryAfterMs is not waited for', async () => {
    const server = await scripted((_req, res) =>
      json(res, 429, { errors: [{ message: 'locked', extensions: { code: 'RATE_LIMITED', retryAfter: 120 } }] }, { 'retry-after': '120' }),
    );
    const error = await createClient({ url: server.url }).viewer().catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfter).toBe(120);
    expect(server.requests).toBe(1);
  });

  test('gives up after maxAttempts with exponential backoff', async () => {
    const server = await scripted((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    const delays: number[] = [];
    const client = createClient({ url: server.url, retry: { maxAttempts: 4, baseDelayMs: 20, onRetry: (i) => delays.push(i.delayMs) } });
    const error = await client.viewer().catch((e) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(server.requests).toBe(4);
    expect(delays).toHaveLength(3);
    delays.forEach((d, i) => expect(d).toBeLessThanOrEqual(20 * 2 ** i));
  });

  test('retry: false makes one attempt', async () => {
    const server = await scripted((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    await expect(createClient({ url: server.url, retry: false }).viewer()).rejects.toBeInstanceOf(ServerError);
    expect(server.requests).toBe(1);
  });

  test('a connection dropped after the request arrived: a mutation is retried with the same Idempotency-Key', async () => {
    const keys: (string | undefined)[] = [];
    const server = await scripted((req) => {
      keys.push(req.headers['idempotency-key'] as string | undefined);
      req.socket.destroy();
    });
    const retry = { baseDelayMs: 5 };
    await expect(createClient({ url: server.url, retry }).viewer()).rejects.toBeInstanceOf(NetworkError);
    expect(server.requests).toBe(3);
    expect(keys).toEqual([undefined, undefined, undefined]); // queries carry none
    await expect(createClient({ url: server.url, retry }).tenants.create({ name: 'A', slug: 'a' })).rejects.toBeInstanceOf(NetworkError);
    expect(server.requests).toBe(6);
    const sent = keys.slice(3);
    expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(sent).size).toBe(1); // the server replays the first answer instead of running it again
    await expect(createClient({ url: server.url, retry }).tenants.create({ name: 'A', slug: 'a' })).rejects.toBeInstanceOf(NetworkError);
    expect(keys[6]).not.toBe(sent[0]); // a new call, a new key
  });

  test('a timed-out mutation is repeated under its Idempotency-Key; a caller may give its own', async () => {
    const keys: (string | undefined)[] = [];
    const server = await scripted((req) => keys.push(req.headers['idempotency-key'] as string | undefined));
    const options = { url: server.url, timeoutMs: 100, retry: { baseDelayMs: 5 } };
    await expect(createClient(options).tenants.create({ name: 'A', slug: 'a' }, { idempotencyKey: 'my-own-key' })).rejects.toBeInstanceOf(TimeoutError);
    expect(server.requests).toBe(3);
    expect(keys).toEqual(['my-own-key', 'my-own-key', 'my-own-key']);
  });

  test('connection refused: the request surely never arrived, so even a mutation is retried', async () => {
    const port = await closedPort();
    const retries: number[] = [];
    const client = createClient({ url: `http://127.0.0.1:${port}`, retry: { baseDelayMs: 5, onRetry: (i) => retries.push(i.attempt) } });
    await expect(client.tenants.create({ name: 'A', slug: 'a' })).rejects.toBeInstanceOf(NetworkError);
    expect(retries).toEqual([1, 2]);
  });
});

describe('retry helpers', () => {
  test('backoff: full jitter under an exponential ceiling, capped', () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 1)).toBe(400);
    expect(backoffDelay(10, options, () => 1)).toBe(1000);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });

  test('Retry-After: seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });

  test('surelyNotSent reads the cause chain of a fetch failure', () => {
    expect(surelyNotSent(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe(true);
    expect(surelyNotSent(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toBe(false);
    expect(surelyNotSent(new Error('other'))).toBe(false);
  });
});
