import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';
import { createTestApp } from '../harness/app.ts';

// /v1/forward-auth with each proxy's header conventions sent directly (NGINX through a real
// NGINX: forwardAuthNginx.test.ts), the route map through GraphQL, and the refusals.

const t = useTestApp();

let tenant: TestTenant;
let other: TestTenant;
/** The proxy's credential: a key of the tenant holding keys:verify. */
let proxy: TestKey;
let otherProxy: TestKey;
let reader: TestKey;

const SET_MAP = `mutation($input: SetRouteMapInput!) { setRouteMap(input: $input) {
  __typename ... on RouteMapPayload { routeMap { defaultAction routes { pattern scopes } updatedAt } }
  ... on ValidationError { fieldErrors { path message } } ... on Error { code message } } }`;

async function setMap(token: string, input: Record<string, unknown>) {
  const response = await t.graphql(SET_MAP, { input }, { token });
  expect(response.errors, response.body).toBeUndefined();
  return response.data.setRouteMap;
}

const ROUTES = [
  { pattern: 'GET /v1/tickets/**', scopes: ['tickets:read'] },
  { pattern: 'POST /v1/tickets', scopes: ['tickets:write'] },
  { pattern: '/public/**', scopes: [] },
];

beforeAll(async () => {
  tenant = await createTenant(t.app, 'Acme');
  other = await createTenant(t.app, 'Other');
  proxy = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
  otherProxy = await createTestKey(t.app, other.id, { ownerId: other.owner.id, scopes: ['keys:verify'] });
  reader = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'], metadata: { externalId: 'cust-42' } });
  expect((await setMap(tenant.owner.token, { defaultAction: 'DENY', routes: ROUTES })).__typename).toBe('RouteMapPayload');
});

function ask(headers: Record<string, string>, options: { method?: string; path?: string; ip?: string; caller?: string | null } = {}) {
  const caller = options.caller === undefined ? `Bearer ${proxy.text}` : options.caller;
  return t.fetch(options.path ?? '/v1/forward-auth', {
    method: options.method ?? 'GET',
    headers: { ...(caller === null ? {} : { 'x-keywarden-caller': caller }), ...headers },
  }, { ip: options.ip });
}

const nginx = (method: string, uri: string, credential: Record<string, string>) => ({ 'x-original-method': method, 'x-original-uri': uri, ...credential });
const traefik = (method: string, uri: string, credential: Record<string, string>) => ({
  'x-forwarded-method': method, 'x-forwarded-uri': uri, 'x-forwarded-host': 'api.example.test', 'x-forwarded-proto': 'https', ...credential,
});

describe('each proxy convention', () => {
  it('NGINX headers: a key with the route scope passes with identity headers and no body', async () => {
    const response = await ask(nginx('GET', '/v1/tickets/42?x=1', { authorization: `Bearer ${reader.text}` }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(response.headers.get('x-keywarden-key-id')).toBe(reader.id);
    expect(response.headers.get('x-keywarden-tenant-id')).toBe(tenant.id);
    expect(response.headers.get('x-keywarden-owner')).toBe(tenant.owner.id);
    expect(response.headers.get('x-keywarden-scopes')).toBe('tickets:read');
    expect(response.headers.get('x-keywarden-external-id')).toBe('cust-42');
  });

  it("External-Id is the key's identity once it has one (set through the API), and follows a change at once", async () => {
    const member = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'], metadata: { externalId: 'from-metadata' } });
    const setExternalId = (externalId: string) =>
      t.graphql(`mutation($input: UpdateKeyInput!) { updateKey(input: $input) { __typename } }`, { input: { id: member.id, externalId } }, { token: tenant.owner.token });
    expect((await setExternalId('cust-7')).data?.updateKey.__typename).toBe('ApiKeyPayload');
    const first = await ask(nginx('GET', '/v1/tickets/1', { authorization: `Bearer ${member.text}` }));
    expect(first.headers.get('x-keywarden-external-id')).toBe('cust-7');
    await setExternalId('cust-8');
    const second = await ask(nginx('GET', '/v1/tickets/1', { authorization: `Bearer ${member.text}` }));
    expect(second.headers.get('x-keywarden-external-id')).toBe('cust-8');
  });

  it('Traefik and Caddy headers (X-Forwarded-Method/-Uri/-Host), the key in X-API-Key', async () => {
    const ok = await ask(traefik('GET', '/v1/tickets', { 'x-api-key': reader.text }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-keywarden-key-id')).toBe(reader.id);
    const refused = await ask(traefik('POST', '/v1/tickets', { 'x-api-key': reader.text }));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-keywarden-refusal')).toBe('INSUFFICIENT_SCOPES');
  });

  it('Envoy ext_authz (path_prefix): the original method and path are the request own, after the prefix', async () => {
    const ok = await ask({ authorization: `Bearer ${reader.text}` }, { path: '/v1/forward-auth/envoy/v1/tickets/7?page=2' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-keywarden-key-id')).toBe(reader.id);
    // Envoy is told to drop the credential from the request it forwards upstream.
    expect(ok.headers.get('x-envoy-auth-headers-to-remove')).toBe('authorization');
    const post = await ask({ authorization: `Bearer ${reader.text}` }, { method: 'POST', path: '/v1/forward-auth/envoy/v1/tickets' });
    expect(post.status).toBe(403);
    expect(post.headers.get('x-keywarden-refusal')).toBe('INSUFFICIENT_SCOPES');
  });

  it('Basic credentials are accepted as everywhere else', async () => {
    const basic = Buffer.from(`${reader.publicId}:${reader.text}`).toString('base64');
    const response = await ask(nginx('HEAD', '/public/logo.png', { authorization: `Basic ${basic}` }), { method: 'HEAD' });
    expect(response.status).toBe(200);
  });
});

describe('refusals', () => {
  it('no credential: 401 with a Bearer challenge; an unknown one: 401 invalid_token', async () => {
    const none = await ask(nginx('GET', '/v1/tickets', {}));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="keywarden"');
    const wrong = await ask(nginx('GET', '/v1/tickets', { authorization: `Bearer ${reader.text.slice(0, -3)}abc` }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('a route no entry matches is refused under DENY and passes under ALLOW', async () => {
    const denied = await ask(nginx('DELETE', '/admin', { authorization: `Bearer ${reader.text}` }), { method: 'DELETE' });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-keywarden-refusal')).toBe('ROUTE_NOT_ALLOWED');
    const t2 = await createTenant(t.app, 'Allowing');
    const p2 = await createTestKey(t.app, t2.id, { ownerId: t2.owner.id, scopes: ['keys:verify'] });
    const k2 = await createTestKey(t.app, t2.id, { ownerId: t2.owner.id, scopes: [] });
    // A tenant that never set a map: DENY.
    expect((await ask(nginx('GET', '/anything', { authorization: `Bearer ${k2.text}` }), { caller: p2.text })).status).toBe(403);
    await setMap(t2.owner.token, { defaultAction: 'ALLOW', routes: [] });
    expect((await ask(nginx('GET', '/anything', { authorization: `Bearer ${k2.text}` }), { caller: p2.text })).status).toBe(200);
  });

  it('endpoint globs are judged on the normalized original path', async () => {
    const k = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'], endpoints: ['GET /v1/tickets/*'] });
    expect((await ask(nginx('GET', '/v1/tickets/1', { 'x-api-key': k.text }))).status).toBe(200);
    const climb = await ask(nginx('GET', '/v1/tickets/1/%2e%2e/..//admin', { 'x-api-key': k.text }));
    expect(climb.status).toBe(403);
    const outside = await ask(nginx('GET', '/v1/tickets/1/comments', { 'x-api-key': k.text }));
    expect(outside.status).toBe(403);
    expect(outside.headers.get('x-keywarden-refusal')).toBe('ENDPOINT_NOT_ALLOWED');
  });

  it('IP rules see the client address: forwarded only from a trusted proxy', async () => {
    const k = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'], ipRules: [{ action: 'ALLOW', cidr: '203.0.113.0/24' }] });
    const spoofed = await ask(nginx('GET', '/v1/tickets', { 'x-api-key': k.text, 'x-forwarded-for': '203.0.113.9' }), { ip: '198.51.100.1' });
    expect(spoofed.status).toBe(403);
    expect(spoofed.headers.get('x-keywarden-refusal')).toBe('IP_NOT_ALLOWED');
    expect((await ask(nginx('GET', '/v1/tickets', { 'x-api-key': k.text }), { ip: '203.0.113.9' })).status).toBe(200);
  });

  it('a key with a rate limit is answered 429 with Retry-After past its limit', async () => {
    const k = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'], rateLimitMax: 1, rateLimitWindowMs: 60_000 });
    expect((await ask(nginx('GET', '/v1/tickets', { 'x-api-key': k.text }))).status).toBe(200);
    const limited = await ask(nginx('GET', '/v1/tickets', { 'x-api-key': k.text }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('cross-tenant: a proxy of tenant A cannot pass a key of tenant B (401, as unknown)', async () => {
    await setMap(other.owner.token, { defaultAction: 'ALLOW', routes: [] });
    const response = await ask(nginx('GET', '/v1/tickets', { authorization: `Bearer ${reader.text}` }), { caller: `Bearer ${otherProxy.text}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-keywarden-key-id')).toBeNull();
  });

  it("the proxy's own credential: missing or wrong 401, without keys:verify or the platform's 403", async () => {
    const headers = nginx('GET', '/v1/tickets', { authorization: `Bearer ${reader.text}` });
    const missing = await ask(headers, { caller: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('x-keywarden-refusal')).toBe('CALLER_UNAUTHENTICATED');
    expect((await ask(headers, { caller: 'Bearer kw_nonsense' })).status).toBe(401);
    // The client's own key as the caller does not make it a proxy.
    const notVerifier = await ask(headers, { caller: `Bearer ${reader.text}` });
    expect(notVerifier.status).toBe(403);
    expect(notVerifier.headers.get('x-keywarden-refusal')).toBe('CALLER_FORBIDDEN');
    expect((await ask(headers, { caller: t.platform })).status).toBe(403);
  });

  it('bad inputs from the proxy: 400 BAD_REQUEST, empty body', async () => {
    const credential = { authorization: `Bearer ${reader.text}` };
    for (const headers of [
      { 'x-original-method': 'GET', ...credential },
      { 'x-original-uri': '/v1/tickets', ...credential },
      nginx('GE T', '/v1/tickets', credential),
      nginx('G3T', '/v1/tickets', credential),
      nginx('GET', 'v1/tickets', credential),
      nginx('GET', `/${'a'.repeat(3000)}`, credential),
      nginx('GET', '/v1/tickets with space', credential),
    ]) {
      const response = await ask(headers);
      expect(response.status, JSON.stringify(headers).slice(0, 80)).toBe(400);
      expect(response.headers.get('x-keywarden-refusal')).toBe('BAD_REQUEST');
      expect(await response.text()).toBe('');
    }
  });
});

describe('the route map through GraphQL', () => {
  const READ = `{ tenant { routeMap { defaultAction routes { pattern scopes } updatedAt } } }`;

  it('reads back as set, in order; audited', async () => {
    const response = await t.graphql(READ, {}, { token: tenant.owner.token });
    expect(response.data.tenant.routeMap).toMatchObject({ defaultAction: 'DENY', routes: ROUTES });
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, action: 'routeMap.updated' } });
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(events[0]!.changes)).toContain('GET /v1/tickets/**');
  });

  it('refuses bad patterns and scope names with a field path, changing nothing', async () => {
    for (const routes of [[{ pattern: 'FETCH /x', scopes: [] }], [{ pattern: '/ok', scopes: ['Not A Scope'] }], [{ pattern: '/a?b=1', scopes: [] }]]) {
      const result = await setMap(tenant.owner.token, { defaultAction: 'ALLOW', routes: [ROUTES[0], ...routes] });
      expect(result.__typename).toBe('ValidationError');
      expect(result.fieldErrors[0].path.slice(0, 3)).toEqual(['input', 'routes', '1']);
    }
    const response = await t.graphql(READ, {}, { token: tenant.owner.token });
    expect(response.data.tenant.routeMap).toMatchObject({ defaultAction: 'DENY', routes: ROUTES });
  });

  it('needs tenant:admin; a tenant cannot name another tenant', async () => {
    const viewer = await tenant.addMember('VIEWER');
    const forbidden = await t.graphql(SET_MAP, { input: { defaultAction: 'ALLOW', routes: [] } }, { token: viewer.token });
    expect(forbidden.data?.setRouteMap?.code ?? forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const cross = await setMap(other.owner.token, { tenantId: tenant.id, defaultAction: 'ALLOW', routes: [] });
    expect(cross.code).toBe('NOT_FOUND');
    const response = await t.graphql(READ, {}, { token: tenant.owner.token });
    expect(response.data.tenant.routeMap.defaultAction).toBe('DENY');
  });

  it('a change is applied at once (the cached map is dropped)', async () => {
    const t3 = await createTenant(t.app, 'Changing');
    const p3 = await createTestKey(t.app, t3.id, { ownerId: t3.owner.id, scopes: ['keys:verify'] });
    const k3 = await createTestKey(t.app, t3.id, { ownerId: t3.owner.id, scopes: ['a:b'] });
    const headers = nginx('GET', '/x', { 'x-api-key': k3.text });
    await setMap(t3.owner.token, { defaultAction: 'DENY', routes: [{ pattern: '/x', scopes: ['a:b'] }] });
    expect((await ask(headers, { caller: p3.text })).status).toBe(200);
    await setMap(t3.owner.token, { defaultAction: 'DENY', routes: [{ pattern: '/x', scopes: ['c:d'] }] });
    expect((await ask(headers, { caller: p3.text })).status).toBe(403);
    // The platform operator names the tenant.
    expect((await setMap(t.platform, { tenantId: t3.id, defaultAction: 'DENY', routes: [] })).__typename).toBe('RouteMapPayload');
    expect((await ask(headers, { caller: p3.text })).headers.get('x-keywarden-refusal')).toBe('ROUTE_NOT_ALLOWED');
  });
});

describe('the route map on every instance', () => {
  it('a change made on one instance is applied by another that had the map cached', async () => {
    const second = await createTestApp({ db: t.app.db });
    try {
      const t4 = await createTenant(t.app, 'Two instances');
      const p4 = await createTestKey(t.app, t4.id, { ownerId: t4.owner.id, scopes: ['keys:verify'] });
      const k4 = await createTestKey(t.app, t4.id, { ownerId: t4.owner.id, scopes: ['a:b'] });
      await setMap(t4.owner.token, { defaultAction: 'DENY', routes: [{ pattern: '/x', scopes: ['a:b'] }] });
      const askSecond = () => second.fetch('/v1/forward-auth', { headers: { 'x-keywarden-caller': `Bearer ${p4.text}`, ...nginx('GET', '/x', { 'x-api-key': k4.text }) } });
      expect((await askSecond()).status).toBe(200);
      expect((await askSecond()).status).toBe(200);
      await setMap(t4.owner.token, { defaultAction: 'DENY', routes: [] });
      const answered = Date.now();
      let status = 200;
      // An in-process fetch does no I/O: yield to the event loop between asks, so the
      // invalidation listener's socket is read.
      while (status === 200 && Date.now() - answered < 2_000) {
        await new Promise((resolve) => setImmediate(resolve));
        status = (await askSecond()).status;
      }
      expect(status).toBe(403);
    } finally {
      await second.close();
    }
  });
});

describe('secrets', () => {
  it('no key text, proxy credential or hash in any answer or log line', async () => {
    const answers: string[] = [];
    for (const [headers, options] of [
      [nginx('GET', '/v1/tickets', { authorization: `Bearer ${reader.text}` }), {}],
      [nginx('GET', '/v1/tickets', { authorization: `Bearer ${reader.text.slice(0, -1)}x` }), {}],
      [nginx('GET', `/v1/tickets?rest_api_key=${reader.text}`, {}), {}],
      [nginx('GET', '/v1/tickets', { authorization: `Bearer ${reader.text}` }), { caller: `Bearer ${proxy.text}x` }],
      [{ authorization: `Bearer ${reader.text}` }, { path: '/v1/forward-auth/envoy/v1/tickets' }],
    ] as const) {
      const response = await ask(headers, options);
      answers.push(JSON.stringify([...response.headers]) + (await response.text()));
    }
    const hashes = (await t.app.db.prisma.apiKey.findMany({ where: { id: { in: [reader.id, proxy.id] } } })).map((k) => k.secretHash);
    for (const text of [...answers, t.logs.text()]) {
      for (const secret of [reader.text, reader.secret, proxy.text, proxy.secret, ...hashes]) expect(text).not.toContain(secret);
    }
  });

  it('a credential in the original query is refused unless the tenant allows it', async () => {
    const response = await ask(nginx('GET', `/v1/tickets?rest_api_key=${reader.text}`, {}));
    expect(response.status).toBe(401);
  });
});
