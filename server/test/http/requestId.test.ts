// Every HTTP response names its request in `x-request-id`, and every error, top-level or a member
// of a mutation's result union, carries the same id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey } from '../harness/keys.ts';

let t: TestApp;
let tenant: TestTenant;
let server: Listening;
let verifier: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.app, 'Ids');
  verifier = (await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] })).text;
  server = await listen(t.app);
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

const ROUTES: [string, RequestInit][] = [
  ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ viewer { kind } }"}' }],
  ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ nope }"}' }],
  ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer kws_wrong' }, body: '{"query":"{ viewer { kind } }"}' }],
  ['/graphql', { method: 'GET', headers: { accept: 'text/html' } }],
  ['/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key":"kw_x"}' }],
  ['/v1/verify', { method: 'GET' }],
  ['/v1/audit/export', { method: 'GET' }],
  ['/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }],
  ['/oauth/revoke', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=x' }],
  ['/healthz', { method: 'GET' }],
  ['/readyz', { method: 'GET' }],
  ['/nowhere', { method: 'GET' }],
];

describe('x-request-id', () => {
  it('is on every response, through Yoga and over a real socket, and a new one each time', async () => {
    for (const [path, init] of ROUTES) {
      const inProcess = await t.fetch(path, init);
      const overSocket = await fetch(`http://127.0.0.1:${server.port}${path}`, init);
      for (const [how, response] of [['yoga.fetch', inProcess], ['socket', overSocket]] as const) {
        expect(response.headers.get('x-request-id'), `${init.method} ${path} (${how}, ${response.status})`).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(inProcess.headers.get('x-request-id')).not.toBe(overSocket.headers.get('x-request-id'));
    }
  });

  it("echoes the caller's own printable id, and replaces one that is not", async () => {
    for (const [path, init] of ROUTES) {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { ...init, headers: { ...(init.headers as object), 'x-request-id': 'trace-42' } });
      expect(response.headers.get('x-request-id'), `${init.method} ${path}`).toBe('trace-42');
    }
    const odd = await t.fetch('/healthz', { headers: { 'x-request-id': 'two words' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is the id in REST error bodies', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/v1/verify`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': verifier }, body: 'not json',
    });
    const body = await response.json();
    expect(body.error.requestId).toBe(response.headers.get('x-request-id'));
  });
});

describe('errors carry the request id', () => {
  it('top-level errors and typed errors in a result union alike', async () => {
    const response = await t.graphql(
      `mutation { createGroup(input: { name: "" }) { __typename ... on Error { code requestId } } }`,
      {},
      { token: tenant.owner.token, headers: { 'x-request-id': 'req-union-1' } },
    );
    expect(response.data.createGroup).toEqual({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', requestId: 'req-union-1' });
    expect(response.headers.get('x-request-id')).toBe('req-union-1');

    const topLevel = await t.graphql(`query($id: ID!) { apiKey(id: $id) { id } }`, { id: 'key_01m8tprb0hch692crywea3gz9z' }, {
      token: tenant.owner.token, headers: { 'x-request-id': 'req-top-1' },
    });
    expect(topLevel.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', requestId: 'req-top-1' });
  });
});
