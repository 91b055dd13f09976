// requireKey() guarding a real resource server (Node http, and a Fetch-API handler), verifying the
// keys its clients present against a real Keywarden server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, requireKey, type KeyGuard, type KeywardenClient, type NodeRequestLike } from '../src/index.ts';
import { normalizeIp } from '../src/resourceServer.ts';
import { closedPort, startLiveServer, type LiveServer } from './helpers/liveServer.ts';

let live: LiveServer;
let verifier: KeywardenClient;
let verifyCalls = 0;
const keys: Record<string, string> = {};
let api: { url: string; close(): Promise<void> };

/** A tiny ticket API: GET/POST /v1/tickets…, each route behind its guard. */
async function startTicketApi(guards: { read: KeyGuard; write: KeyGuard }) {
  const server = http.createServer((req, res) => {
    const guard = req.method === 'GET' ? guards.read : guards.write;
    guard.node(req, res, () => {
      const verdict = (req as NodeRequestLike).keywarden!;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, keyId: verdict.keyId, scopes: verdict.scopes }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  live = await startLiveServer();
  const tenant = await live.createTenant();
  const owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
  for (const name of ['tickets:read', 'tickets:write']) await owner.scopes.create({ name });
  const issue = async (name: string, input: Parameters<typeof owner.keys.create>[0]) => {
    const created = await owner.keys.create(input);
    keys[name] = created.secret;
    return created.apiKey;
  };
  await issue('verifier', { name: 'ticket-api', scopes: ['keys:verify'] });
  await issue('reader', { name: 'reader', scopes: ['tickets:read'], endpoints: ['GET /v1/tickets/**'] });
  await issue('plain', { name: 'plain reader', scopes: ['tickets:read'] });
  await issue('office', { name: 'office only', scopes: ['tickets:read'], ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });
  const revoked = await issue('revoked', { name: 'revoked', scopes: ['tickets:read'] });
  await owner.keys.revoke({ id: revoked.id, reason: 'leaked' });

  verifier = createClient({
    url: live.url,
    apiKey: keys.verifier!,
    fetch: (input, init) => {
      verifyCalls++;
      return fetch(input, init);
    },
  });
  api = await startTicketApi({
    read: requireKey({ client: verifier, scopes: ['tickets:read'] }),
    write: requireKey({ client: verifier, scopes: ['tickets:write'] }),
  });
});
afterAll(async () => {
  await api?.close();
  await live?.close();
});

const call = (path: string, init: RequestInit = {}) => fetch(`${api.url}${path}`, init).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.json() }));
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('Node http middleware', () => {
  test('a valid key passes, with its verdict on req.keywarden', async () => {
    const response = await call('/v1/tickets/42?expand=1', { headers: bearer(keys.reader!) });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ok: true, keyId: expect.stringMatching(/^key_/), scopes: ['tickets:read'] });
    const viaHeader = await call('/v1/tickets/42', { headers: { 'x-api-key': keys.reader! } });
    expect(viaHeader.status).toBe(200);
  });

  test('no key: 401 with WWW-Authenticate, and Keywarden is not asked', async () => {
    const before = verifyCalls;
    const response = await call('/v1/tickets');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(response.body.error.code).toBe('MISSING_CREDENTIAL');
    expect(verifyCalls).toBe(before);
  });

  test('a mistyped key: 401 MALFORMED_KEY without a round trip', async () => {
    const before = verifyCalls;
    const mistyped = keys.reader!.slice(0, 20) + (keys.reader![20] === 'a' ? 'b' : 'a') + keys.reader!.slice(21);
    const response = await call('/v1/tickets', { headers: bearer(mistyped) });
    expect(response).toMatchObject({ status: 401, body: { error: { code: 'MALFORMED_KEY' } } });
    expect(verifyCalls).toBe(before);
  });

  test('scopes, endpoints, IP rules and revocation are enforced by the verdict', async () => {
    const endpoint = await requireKey({ client: verifier, scopes: ['tickets:read'] }).authorize({
      method: 'DELETE', path: '/v1/tickets/1', header: (n) => (n === 'authorization' ? `Bearer ${keys.reader}` : null), ip: '127.0.0.1',
    });
    expect(endpoint).toMatchObject({ ok: false, status: 403, code: 'ENDPOINT_NOT_ALLOWED' });
    const ip = await call('/v1/tickets/1', { headers: bearer(keys.office!) });
    expect(ip).toMatchObject({ status: 403, body: { error: { code: 'IP_NOT_ALLOWED' } } });
    const revoked = await call('/v1/tickets/1', { headers: bearer(keys.revoked!) });
    expect(revoked).toMatchObject({ status: 401, body: { error: { code: 'REVOKED' } } });
  });

  test('a key without the route scope: 403 naming the missing scope', async () => {
    const response = await call('/v1/tickets', { method: 'POST', headers: bearer(keys.plain!) });
    expect(response).toMatchObject({ status: 403, body: { error: { code: 'INSUFFICIENT_SCOPES', missingScopes: ['tickets:write'] } } });
    // A key limited to endpoints is refused when the guard sends none.
    const noEndpoint = await requireKey({ client: verifier, scopes: ['tickets:read'], endpoint: null }).authorize({
      method: 'GET', path: '/v1/tickets', header: (n) => (n === 'authorization' ? `Bearer ${keys.reader}` : null), ip: '127.0.0.1',
    });
    expect(noEndpoint).toMatchObject({ ok: false, status: 403, code: 'ENDPOINT_NOT_ALLOWED' });
  });
});

describe('Fetch API handler', () => {
  const guard = () => requireKey({ client: verifier, scopes: ['tickets:read'] });

  test('null lets the request through; the verdict is kept for the handler', async () => {
    const g = guard();
    const request = new Request('https://tickets.example/v1/tickets/9', { headers: bearer(keys.office!) });
    expect(await g.fetch(request, { ip: '10.1.2.3' })).toBeNull();
    expect(g.verified(request)).toMatchObject({ valid: true, code: 'VALID', scopes: ['tickets:read'] });
  });

  test('a refusal is a ready Response', async () => {
    const request = new Request('https://tickets.example/v1/tickets/9', { headers: bearer(keys.office!) });
    const response = await guard().fetch(request, { ip: '192.0.2.1' });
    expect(response).toBeInstanceOf(Response);
    expect(response!.status).toBe(403);
    expect(response!.headers.get('content-type')).toMatch(/json/);
    expect(await response!.json()).toMatchObject({ error: { code: 'IP_NOT_ALLOWED' } });
  });

  test('Keywarden unreachable: fail closed with 503', async () => {
    const unreachable = createClient({ url: `http://127.0.0.1:${await closedPort()}`, apiKey: keys.verifier!, retry: false });
    const request = new Request('https://tickets.example/v1/tickets/9', { headers: bearer(keys.reader!) });
    const response = await requireKey({ client: unreachable }).fetch(request, { ip: '127.0.0.1' });
    expect(response!.status).toBe(503);
    expect(await response!.json()).toMatchObject({ error: { code: 'VERIFIER_UNAVAILABLE' } });
  });
});

test('normalizeIp turns IPv4-mapped IPv6 into IPv4', () => {
  expect(normalizeIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
  expect(normalizeIp('2001:db8::1')).toBe('2001:db8::1');
  expect(normalizeIp(undefined)).toBeNull();
});
