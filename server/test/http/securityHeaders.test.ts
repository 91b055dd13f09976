import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';

// What a browser is told by every answer (security headers, the GraphiQL page's CSP), who may call
// from another origin (CORS: nobody unless configured), and that a request a cross-site form could
// send is refused (CSRF). Over a real port, through the node:http fast path and Yoga alike.

const ALLOWED = 'https://admin.example.com';
const OTHER = 'https://evil.example.net';

let t: TestApp;
/** A second instance on the same database, with CORS allowing ALLOWED. */
let withCors: TestApp;
let server: Listening;
let corsServer: Listening;
let tenant: TestTenant;
let key: TestKey;

beforeAll(async () => {
  t = await createTestApp();
  withCors = await createTestApp({ db: t.app.db, env: { KEYWARDEN_CORS_ORIGINS: `${ALLOWED}, https://other-admin.example.com` } });
  server = await listen(t.app);
  corsServer = await listen(withCors.app);
  tenant = await createTenant(t.app, 'Headers');
  key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'] });
});
afterAll(async () => {
  await server?.close();
  await corsServer?.close();
  await withCors?.close();
  await t?.close();
});

const at = (s: Listening, path: string) => `http://127.0.0.1:${s.port}${path}`;
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

function expectSecurityHeaders(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
}

describe('security headers', () => {
  it.each<[string, string, RequestInit]>([
    ['POST /graphql', '/graphql', json({ query: '{ __typename }' })],
    ['POST /graphql, refused', '/graphql', json({ query: '{ nope }' })],
    ['POST /v1/verify (fast path)', '/v1/verify', json({ key: 'kw_nothing' })],
    ['GET /v1/verify (405)', '/v1/verify', { method: 'GET' }],
    ['GET /v1/audit/export (401)', '/v1/audit/export', { method: 'GET' }],
    ['POST /oauth/token', '/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }],
    ['GET /healthz', '/healthz', { method: 'GET' }],
    ['GET /readyz', '/readyz', { method: 'GET' }],
    ['GET /nowhere (404)', '/nowhere', { method: 'GET' }],
  ])('%s: nosniff, no referrer, and a policy that loads and frames nothing', async (_name, path, init) => {
    const response = await fetch(at(server, path), init);
    await response.arrayBuffer();
    expectSecurityHeaders(response);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('a verdict on the fast path carries them too, with its own headers intact', async () => {
    const response = await fetch(at(server, '/v1/verify'), json({ key: key.text }, { authorization: `Bearer ${tenant.owner.token}` }));
    expect((await response.json()).code).toBe('VALID');
    expectSecurityHeaders(response);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('the GraphiQL page: only this origin, and its inline scripts by hash, never any inline script', async () => {
    const response = await fetch(at(server, '/graphql'), { headers: { accept: 'text/html' } });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expectSecurityHeaders(response);
    const policy = response.headers.get('content-security-policy') ?? '';
    const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    const scriptSrc = directives.get('script-src') ?? [];
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    // Every script of the page is inline and allowed by its hash; none is loaded from elsewhere.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, text] of scripts) {
      expect(attributes).not.toMatch(/\ssrc=/);
      expect(scriptSrc).toContain(`'sha256-${createHash('sha256').update(text!).digest('base64')}'`);
    }
    expect(scriptSrc.filter((s) => s.startsWith("'sha256-"))).toHaveLength(scripts.length);
    // Nothing else of the page comes from another origin either.
    expect(html).not.toMatch(/<(link|img|iframe)[^>]*\s(href|src)="(https?:)?\/\//);
    // The same page, the same policy.
    const again = await fetch(at(server, '/graphql'), { headers: { accept: 'text/html' } });
    await again.arrayBuffer();
    expect(again.headers.get('content-security-policy')).toBe(policy);
  });
});

describe('CORS', () => {
  const preflight = (s: Listening, path: string, origin: string) =>
    fetch(at(s, path), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('is off by default: no preflight is allowed and no answer names an origin', async () => {
    for (const path of ['/graphql', '/v1/verify']) {
      const answer = await preflight(server, path, ALLOWED);
      await answer.arrayBuffer();
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-methods')).toBeNull();
    }
    const post = await fetch(at(server, '/graphql'), json({ query: '{ __typename }' }, { origin: OTHER }));
    expect((await post.json()).data.__typename).toBe('Query');
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    expect(post.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('when configured, allows exactly the configured origins, without cookies', async () => {
    const allowed = await preflight(corsServer, '/graphql', ALLOWED);
    await allowed.arrayBuffer();
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(allowed.headers.get('vary')).toContain('Origin');

    for (const origin of [OTHER, 'null', `${ALLOWED}.evil.example.net`, 'http://admin.example.com']) {
      const refused = await preflight(corsServer, '/graphql', origin);
      await refused.arrayBuffer();
      expect(refused.headers.get('access-control-allow-origin'), origin).toBeNull();
    }

    const post = await fetch(at(corsServer, '/graphql'), json({ query: '{ __typename }' }, { origin: ALLOWED }));
    await post.json();
    expect(post.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(post.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const other = await fetch(at(corsServer, '/graphql'), json({ query: '{ __typename }' }, { origin: OTHER }));
    await other.json();
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a browser verifying a key from an allowed origin gets its answer with CORS (the fast path defers to Yoga)', async () => {
    const response = await fetch(at(corsServer, '/v1/verify'), json({ key: key.text }, { authorization: `Bearer ${tenant.owner.token}`, origin: ALLOWED }));
    expect((await response.json()).code).toBe('VALID');
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expectSecurityHeaders(response);
  });
});

describe('CSRF prevention', () => {
  const mutation = 'mutation { createScope(input: { name: "csrf:attempt" }) { __typename } }';

  it.each<[string, string, string]>([
    ['text/plain', 'text/plain', JSON.stringify({ query: mutation })],
    ['a urlencoded form', 'application/x-www-form-urlencoded', `query=${encodeURIComponent(mutation)}`],
    ['a multipart form', 'multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: mutation })}\r\n--x--\r\n`],
  ])('refuses a POST a cross-site form could send (%s) before parsing it', async (_name, type, body) => {
    const response = await fetch(at(server, '/graphql'), {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${tenant.owner.token}` },
      body,
    });
    const answer = await response.json();
    expect(response.status).toBe(403);
    expect(answer.errors[0].message).toBe('Required CSRF header(s) not present');
    expect(answer.data).toBeUndefined();
    expectSecurityHeaders(response);
    expect(await t.app.db.prisma.scope.count({ where: { name: 'csrf:attempt' } })).toBe(0);
  });

  it('a GET query needs the CSRF header; a JSON POST (what the SDK and GraphiQL send) does not', async () => {
    const url = at(server, `/graphql?query=${encodeURIComponent('{ __typename }')}`);
    const bare = await fetch(url, { headers: { accept: 'application/json' } });
    expect(bare.status).toBe(403);
    await bare.arrayBuffer();
    const withHeader = await fetch(url, { headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' } });
    expect((await withHeader.json()).data.__typename).toBe('Query');
    const post = await fetch(at(server, '/graphql'), json({ query: '{ __typename }' }));
    expect((await post.json()).data.__typename).toBe('Query');
  });

  it('leaves the REST routes alone: the OAuth token endpoint takes its form-encoded body', async () => {
    const response = await fetch(at(server, '/oauth/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=nobody&client_secret=nothing',
    });
    const answer = await response.json();
    expect(response.status).toBe(401);
    expect(answer.error).toBe('invalid_client');
  });
});
