// Every error class, produced by a real server (or a real network condition), and never a urql
// CombinedError: top-level GraphQL errors, error members of mutation unions, HTTP and network
// failures all arrive as KeywardenError subclasses with their details.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AbortedError, AuthenticationError, BadRequestError, ConflictError, ForbiddenError, KeywardenError, MalformedKeyError, NetworkError,
  NotFoundError, RateLimitedError, ServerError, TimeoutError, ValidationError, createClient, type CredentialProvider, type KeywardenClient,
  asId,
  type KeyId,
  type MemberId,
} from '../src/index.ts';
import { ViewerQuery } from '../src/operations/viewer.ts';
import { closedPort, startLiveServer, startScriptedServer, type LiveServer, type TestTenant } from './helpers/liveServer.ts';

let live: LiveServer;
let acme: TestTenant;
let other: TestTenant;
let owner: KeywardenClient;
let otherKeyId: KeyId;
let otherMemberId: MemberId;

/** Awaits the rejection, checks it is `Class` (and a KeywardenError, never urql's), and returns it. */
async function failure<T extends KeywardenError>(promise: Promise<unknown>, Class: abstract new (...args: any[]) => T): Promise<T> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeywardenError);
  expect(error).toBeInstanceOf(Class);
  expect((error as Error).constructor.name).not.toBe('CombinedError');
  expect((error as Error & { cause?: unknown }).cause?.constructor?.name).not.toBe('CombinedError');
  return error as T;
}

beforeAll(async () => {
  live = await startLiveServer();
  acme = await live.createTenant('Acme');
  other = await live.createTenant('Other');
  owner = createClient({ url: live.url, sessionToken: acme.owner.token });
  const otherOwner = createClient({ url: live.url, sessionToken: other.owner.token });
  otherKeyId = (await otherOwner.keys.create({ name: 'theirs' })).apiKey.id;
  otherMemberId = asId('mem', other.owner.id);
});
afterAll(async () => {
  await live?.close();
});

describe('from the real server', () => {
  test('AuthenticationError: an unknown token (401), not retried', async () => {
    let retries = 0;
    const client = createClient({ url: live.url, sessionToken: `kws_${'x'.repeat(43)}`, retry: { onRetry: () => retries++ } });
    const error = await failure(client.viewer(), AuthenticationError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, operation: 'Viewer' });
    expect(error.requestId).toEqual(expect.any(String));
    expect(retries).toBe(0);
  });

  test('AuthenticationError: a well-formed API key the server no longer knows', async () => {
    const { secret, apiKey } = await owner.keys.create({ name: 'to be deleted' });
    const keyClient = createClient({ url: live.url, apiKey: secret });
    expect((await keyClient.viewer()).kind).toBe('API_KEY');
    await owner.keys.delete(apiKey.id);
    await failure(keyClient.viewer(), AuthenticationError);
  });

  test('MalformedKeyError: a mistyped key is refused before anything is sent', async () => {
    const { secret } = await owner.keys.create({ name: 'typo' });
    const last = secret.at(-1) === 'A' ? 'B' : 'A';
    const mistyped = secret.slice(0, -1) + last;
    let requests = 0;
    const counting = (input: string | URL | Request, init?: RequestInit) => {
      requests++;
      return fetch(input, init);
    };
    expect(() => createClient({ url: live.url, apiKey: mistyped, fetch: counting })).toThrow(MalformedKeyError);
    try {
      createClient({ url: live.url, apiKey: secret.slice(0, -3) });
    } catch (error) {
      expect(error).toMatchObject({ code: 'MALFORMED_KEY', problem: expect.stringMatching(/MALFORMED|BAD_CHECKSUM/) });
    }
    expect(requests).toBe(0);
  });

  test('ForbiddenError with missingScopes: a VIEWER session creating a key (top-level FORBIDDEN)', async () => {
    const viewer = createClient({ url: live.url, sessionToken: (await acme.addMember('VIEWER')).token });
    expect((await viewer.keys.list().toArray()).length).toBeGreaterThan(0); // keys:read is held
    const error = await failure(viewer.keys.create({ name: 'nope' }), ForbiddenError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403, missingScopes: ['keys:write'], path: ['createKey'] });
  });

  test('ForbiddenError as a union member: an ADMIN granting a scope it lacks; changing your own role', async () => {
    const admin = createClient({ url: live.url, sessionToken: (await acme.addMember('ADMIN')).token });
    const error = await failure(admin.roles.create({ name: 'Superuser', scopes: ['tenant:admin'] }), ForbiddenError);
    // A union member: the mutation answered (HTTP 200) with a ForbiddenError result; status and
    // request id are the response's.
    expect(error).toMatchObject({ missingScopes: ['tenant:admin'], operation: 'CreateRole', status: 200, requestId: expect.any(String) });
    const own = await failure(owner.members.update({ id: asId('mem', acme.owner.id), roleId: asId('rol', acme.roles.ADMIN) }), ForbiddenError);
    expect(own).toMatchObject({ missingScopes: [], status: 200, requestId: expect.any(String), message: expect.stringMatching(/own role/) });
  });

  test("NotFoundError: another tenant's key by id (top-level), in a mutation (union), and a null lookup", async () => {
    const top = await failure(owner.keys.get(otherKeyId), NotFoundError);
    expect(top).toMatchObject({ code: 'NOT_FOUND', status: 404, path: ['apiKey'] });
    const union = await failure(owner.keys.disable(otherKeyId), NotFoundError);
    expect(union).toMatchObject({ code: 'NOT_FOUND', resource: 'ApiKey', status: 200, requestId: expect.any(String) });
    const member = await failure(owner.members.get(otherMemberId), NotFoundError);
    expect(member).toMatchObject({ resource: 'Member', operation: 'GetMember' });
  });

  test('ValidationError with field paths: a bad CIDR in createKey (union) and a bad ip argument (top-level)', async () => {
    const union = await failure(owner.keys.create({ name: 'bad', ipRules: [{ action: 'ALLOW', cidr: 'not-an-address' }] }), ValidationError);
    expect(union.fieldErrors).toEqual([{ path: ['input', 'ipRules', '0', 'cidr'], message: expect.any(String) }]);
    expect(union.messageFor('cidr')).toEqual(expect.any(String));
    expect(union.messageFor(['ipRules', '0', 'cidr'])).toBe(union.fieldErrors[0]!.message);

    const { apiKey } = await owner.keys.create({ name: 'valid' });
    const top = await failure(owner.keys.explainAccess({ keyId: apiKey.id, ip: 'nope' }), ValidationError);
    expect(top).toMatchObject({ status: 400, fieldErrors: [{ path: ['ip'], message: expect.any(String) }] });
  });

  test('ConflictError: a duplicate tenant slug', async () => {
    const platform = createClient({ url: live.url, platformToken: live.platformToken });
    const error = await failure(platform.tenants.create({ name: 'Again', slug: acme.slug }), ConflictError);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/slug|exists|taken/i);
  });

  test('RateLimitedError: the login throttle (429 + Retry-After) is too long to wait for, so it is thrown at once', async () => {
    const retries: number[] = [];
    const anonymous = createClient({ url: live.url, retry: { onRetry: (info) => retries.push(info.delayMs) } });
    const attempt = () => anonymous.sessions.login({ tenant: acme.slug, email: 'owner@example.test', password: 'wrong password!!' });
    for (let i = 0; i < 5; i++) await failure(attempt(), AuthenticationError);
    const started = Date.now();
    const error = await failure(attempt(), RateLimitedError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(error.retryAfter).toBeGreaterThan(60);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(retries).toEqual([]);
  });

  test('BadRequestError: a bad enum value, and a document the server cannot validate', async () => {
    const error = await failure(owner.keys.list({ filter: { status: 'BOGUS' as never } }).toArray(), BadRequestError);
    expect(error.message).toMatch(/BOGUS/);
    const { parse } = await import('graphql');
    const bad = parse('query Bad { viewer { nope } }') as unknown as typeof ViewerQuery;
    const invalid = await failure(owner.request(bad, {}), BadRequestError);
    expect(invalid).toMatchObject({ status: 400, operation: 'Bad' });
  });

  test('a CredentialProvider: on UNAUTHENTICATED it is invalidated and asked again, once', async () => {
    const calls: string[] = [];
    let fresh = false;
    const provider: CredentialProvider = {
      async getAuthorizationHeader() {
        calls.push(fresh ? 'fresh' : 'stale');
        return `Bearer ${fresh ? acme.owner.token : `kws_${'s'.repeat(43)}`}`;
      },
      invalidate() {
        fresh = true;
      },
    };
    const client = createClient({ url: live.url, credential: provider });
    expect((await client.viewer()).kind).toBe('MEMBER');
    expect(calls).toEqual(['stale', 'fresh']);

    const alwaysStale: CredentialProvider = { getAuthorizationHeader: async () => `Bearer kws_${'s'.repeat(43)}`, invalidate: () => calls.push('invalidated') };
    await failure(createClient({ url: live.url, credential: alwaysStale }).viewer(), AuthenticationError);
    expect(calls.filter((c) => c === 'invalidated')).toHaveLength(1);
  });
});

describe('server and network failures', () => {
  test('ServerError SERVICE_UNAVAILABLE with the request id: the server lost its database (503, Retry-After, retried)', async () => {
    const broken = await startLiveServer();
    try {
      await broken.closeDatabase();
      const retries: number[] = [];
      const client = createClient({ url: broken.url, platformToken: broken.platformToken, retry: { maxAttempts: 2, onRetry: (info) => retries.push(info.delayMs) } });
      const error = await failure(client.viewer(), ServerError);
      expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfter: 1 });
      expect(error.requestId).toEqual(expect.any(String));
      // Nothing was done: asked again once, after the server's Retry-After.
      expect(retries).toHaveLength(1);
      expect(retries[0]).toBeGreaterThanOrEqual(1_000);
    } finally {
      await broken.close();
    }
  });

  test('NetworkError: connection refused (retried for a query, then thrown)', async () => {
    const port = await closedPort();
    const retries: number[] = [];
    const client = createClient({ url: `http://127.0.0.1:${port}`, retry: { baseDelayMs: 5, onRetry: (info) => retries.push(info.attempt) } });
    const error = await failure(client.viewer(), NetworkError);
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(retries).toEqual([1, 2]);
  });

  test('TimeoutError: no answer within timeoutMs', async () => {
    const silent = await startScriptedServer(() => {
      /* never answers */
    });
    try {
      const client = createClient({ url: silent.url, timeoutMs: 150, retry: false });
      const error = await failure(client.viewer(), TimeoutError);
      expect(error).toBeInstanceOf(NetworkError);
      expect(error.code).toBe('TIMEOUT');
    } finally {
      await silent.close();
    }
  });

  test("AbortedError: the caller's AbortSignal", async () => {
    const silent = await startScriptedServer(() => {});
    try {
      const controller = new AbortController();
      const client = createClient({ url: silent.url });
      const pending = client.viewer({ signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await failure(pending, AbortedError);
      await failure(client.viewer({ signal: AbortSignal.abort() }), AbortedError);
    } finally {
      await silent.close();
    }
  });

  test('ServerError for a 502 from a proxy that is not GraphQL', async () => {
    const proxy = await startScriptedServer((_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    try {
      const error = await failure(createClient({ url: proxy.url }).viewer(), ServerError);
      expect(error).toMatchObject({ status: 502, code: 'INTERNAL_SERVER_ERROR' });
      expect(proxy.requests).toBe(1); // 502 is not retried
    } finally {
      await proxy.close();
    }
  });
});
