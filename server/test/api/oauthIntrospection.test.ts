import * as oauth4 from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/domain/secrets.ts';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';

// RFC 8414 metadata and RFC 7662 introspection: a maintained client (oauth4webapi) discovers the
// server, gets a token, has it introspected by a resource server of the same tenant, and revokes it.

const t = useTestApp();
let tenant: TestTenant;
let other: TestTenant;
let client: TestKey;
let resourceServer: TestKey;
let server: Listening;
let base: string;

beforeAll(async () => {
  tenant = await createTenant(t.app, 'Discovery');
  other = await createTenant(t.app, 'Elsewhere');
  client = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read', 'tickets:read'] });
  resourceServer = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
  server = await listen(t.app);
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server?.close());

const basic = (key: { publicId: string; secret: string }) => `Basic ${Buffer.from(`${key.publicId}:${key.secret}`).toString('base64')}`;
// Plain http to the loopback address: oauth4webapi refuses it unless told.
const insecure = { [oauth4.allowInsecureRequests]: true } as const;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

async function post(path: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null, text };
}

const issue = async (key: TestKey = client, scope?: string): Promise<string> => {
  const answer = await post('/oauth/token', { grant_type: 'client_credentials', ...(scope && { scope }) }, { authorization: basic(key) });
  expect(answer.status).toBe(200);
  return answer.body.access_token;
};
const introspect = (token: string, headers: Record<string, string> = { authorization: basic(resourceServer) }, extra: Record<string, string> = {}) =>
  post('/oauth/introspect', { token, ...extra }, headers);

describe('discovery, token, introspection and revocation with oauth4webapi over HTTP', () => {
  it.each([
    ['client_secret_basic', oauth4.ClientSecretBasic],
    ['client_secret_post', oauth4.ClientSecretPost],
  ] as const)('%s: the whole life of a token', async (_method, clientAuth) => {
    const issuer = new URL(base);
    const as = await oauth4.processDiscoveryResponse(issuer, await oauth4.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    expect(as).toMatchObject({
      issuer: base,
      token_endpoint: `${base}/oauth/token`,
      introspection_endpoint: `${base}/oauth/introspect`,
      revocation_endpoint: `${base}/oauth/revoke`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
    expect(as).not.toHaveProperty('scopes_supported');

    const app: oauth4.Client = { client_id: client.publicId };
    const granted = await oauth4.clientCredentialsGrantRequest(as, app, clientAuth(client.text), { scope: 'tickets:read' }, insecure);
    const tokens = await oauth4.processClientCredentialsResponse(as, app, granted);
    expect(tokens).toMatchObject({ access_token: expect.stringMatching(/^kwt_/), token_type: 'bearer', scope: 'tickets:read' });

    // The resource server introspects with its own key as an OAuth client.
    const rs: oauth4.Client = { client_id: resourceServer.publicId };
    const rsAuth = clientAuth(resourceServer.text);
    const before = Math.floor(Date.now() / 1000);
    const active = await oauth4.processIntrospectionResponse(as, rs, await oauth4.introspectionRequest(as, rs, rsAuth, tokens.access_token, insecure));
    const row = await t.app.db.prisma.accessToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(tokens.access_token) } });
    expect(active).toEqual({
      active: true,
      scope: 'tickets:read',
      client_id: client.publicId,
      token_type: 'Bearer',
      exp: Math.floor(row.expiresAt.getTime() / 1000),
      iat: Math.floor(row.createdAt.getTime() / 1000),
      sub: client.id,
      iss: base,
      jti: row.id,
    });
    expect(active.exp! - before).toBeGreaterThan(86_400 - 60);

    await oauth4.processRevocationResponse(await oauth4.revocationRequest(as, app, clientAuth(client.text), tokens.access_token, insecure));
    const revoked = await oauth4.processIntrospectionResponse(as, rs, await oauth4.introspectionRequest(as, rs, rsAuth, tokens.access_token, insecure));
    expect(revoked).toEqual({ active: false });
  });
});

describe('GET /.well-known/oauth-authorization-server', () => {
  it('answers GET only, cacheable, naming the issuer KEYWARDEN_PUBLIC_URL sets, also where RFC 8414 puts it for an issuer with a path', async () => {
    const response = await fetch(`${base}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect((await fetch(`${base}/.well-known/oauth-authorization-server`, { method: 'POST' })).status).toBe(405);

    const configured: TestApp = await createTestApp({ db: t.app.db, env: { KEYWARDEN_PUBLIC_URL: 'https://keys.example.com/keywarden/' } });
    try {
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server/keywarden']) {
        const answer = await configured.fetch(path, { headers: { host: 'attacker.example' } });
        expect(answer.status, path).toBe(200);
        const metadata = await answer.json();
        expect(metadata).toMatchObject({
          issuer: 'https://keys.example.com/keywarden',
          token_endpoint: 'https://keys.example.com/keywarden/oauth/token',
          introspection_endpoint: 'https://keys.example.com/keywarden/oauth/introspect',
          revocation_endpoint: 'https://keys.example.com/keywarden/oauth/revoke',
          response_types_supported: [],
        });
      }
      // oauth4webapi's own check of the document: the issuer it was asked for, at the RFC 8414 path.
      const issuer = new URL('https://keys.example.com/keywarden');
      const response = await configured.fetch('/.well-known/oauth-authorization-server/keywarden');
      const as = await oauth4.processDiscoveryResponse(issuer, new Response(await response.text(), { status: 200, headers: { 'content-type': 'application/json' } }));
      expect(as.issuer).toBe('https://keys.example.com/keywarden');
      // Introspection names the same issuer.
      const token = await issue();
      const answer = await configured.fetch('/oauth/introspect', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(resourceServer) },
        body: new URLSearchParams({ token }).toString(),
      });
      expect((await answer.json()).iss).toBe('https://keys.example.com/keywarden');
    } finally {
      await configured.close();
    }
  });
});

describe('POST /oauth/introspect', () => {
  it('accepts the resource server as a Bearer key, as client_secret_post, and as an access token of its own', async () => {
    const token = await issue();
    const rsToken = await issue(resourceServer);
    for (const [how, headers, extra] of [
      ['bearer key', { authorization: `Bearer ${resourceServer.text}` }, {}],
      ['post', {}, { client_id: resourceServer.publicId, client_secret: resourceServer.secret }],
      ['bearer token', { authorization: `Bearer ${rsToken}` }, {}],
      ['JSON body', { authorization: basic(resourceServer), 'content-type': 'application/json' }, null],
    ] as const) {
      const answer =
        extra === null
          ? await fetch(`${base}/oauth/introspect`, { method: 'POST', headers, body: JSON.stringify({ token }) }).then(async (r) => ({ status: r.status, body: await r.json() }))
          : await introspect(token, headers, extra);
      expect(answer.status, how).toBe(200);
      expect(answer.body, how).toMatchObject({ active: true, client_id: client.publicId, scope: 'keys:read tickets:read' });
    }
  });

  it('answers {"active": false} and nothing more for unknown, malformed, expired, revoked, API-key and foreign tokens', async () => {
    const foreignKey = await createTestKey(t.app, other.id, { ownerId: other.owner.id, scopes: ['keys:read'] });
    const foreignToken = await issue(foreignKey);
    const expired = await issue();
    await t.app.db.prisma.accessToken.update({ where: { tokenHash: sha256Hex(expired) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revoked = await issue();
    await post('/oauth/revoke', { token: revoked }, { authorization: basic(client) });
    for (const token of ['kwt_' + 'A'.repeat(43), 'not-a-token', expired, revoked, client.text, resourceServer.text, foreignToken, 'x'.repeat(5000)]) {
      const answer = await introspect(token);
      expect(answer.status, token.slice(0, 12)).toBe(200);
      expect(answer.text, token.slice(0, 12)).toBe('{"active":false}');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    // The foreign token is active for its own tenant's resource server.
    const foreignRs = await createTestKey(t.app, other.id, { ownerId: other.owner.id, scopes: ['keys:verify'] });
    expect((await introspect(foreignToken, { authorization: basic(foreignRs) })).body).toMatchObject({ active: true, client_id: foreignKey.publicId });
  });

  it("a token is inactive once its key can no longer act (disabled, revoked, expired, owner deactivated); scopes follow the key's", async () => {
    const key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read', 'tickets:read'] });
    const token = await issue(key);
    expect((await introspect(token)).body.active).toBe(true);
    await t.app.db.prisma.apiKey.update({ where: { id: key.id }, data: { scopes: ['tickets:read'] } });
    expect((await introspect(token)).body.scope).toBe('tickets:read');
    const keyExpiry = new Date(Date.now() + 3600_000);
    await t.app.db.prisma.apiKey.update({ where: { id: key.id }, data: { expiresAt: keyExpiry } });
    expect((await introspect(token)).body.exp).toBe(Math.floor(keyExpiry.getTime() / 1000));
    for (const data of [{ status: 'DISABLED' as const }, { status: 'REVOKED' as const }, { expiresAt: new Date(Date.now() - 1000) }]) {
      await t.app.db.prisma.apiKey.update({ where: { id: key.id }, data: { status: 'ACTIVE', expiresAt: null, ...data } });
      expect((await introspect(token)).text, JSON.stringify(data)).toBe('{"active":false}');
    }
    await t.app.db.prisma.apiKey.update({ where: { id: key.id }, data: { status: 'ACTIVE', expiresAt: null } });
    expect((await introspect(token)).body.active).toBe(true);
    const member = await tenant.addMember('ADMIN');
    const owned = await createTestKey(t.app, tenant.id, { ownerId: member.id, scopes: ['keys:read'] });
    const ownedToken = await issue(owned);
    expect((await introspect(ownedToken)).body.active).toBe(true);
    await t.app.db.prisma.member.update({ where: { id: member.id }, data: { status: 'DEACTIVATED' } });
    expect((await introspect(ownedToken)).text).toBe('{"active":false}');
  });

  it('is not a use of the token: the key keeps its credits and its rate limit', async () => {
    const key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'], remainingUses: 5 });
    const token = await issue(key);
    const left = (await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).remainingUses;
    for (let i = 0; i < 3; i++) expect((await introspect(token)).body.active).toBe(true);
    expect((await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).remainingUses).toBe(left);
  });

  it('every 401 has a challenge: Basic for client authentication, Bearer for a refused Bearer, both when nothing was presented', async () => {
    const token = await issue();
    const none = await introspect(token, {});
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_client');
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="keywarden", charset="UTF-8", Bearer realm="keywarden"');

    const wrongSecret = { publicId: resourceServer.publicId, secret: 'z'.repeat(32) };
    for (const [headers, extra] of [
      [{ authorization: basic(wrongSecret) }, {}],
      [{}, { client_id: wrongSecret.publicId, client_secret: wrongSecret.secret }],
      [{}, { client_id: resourceServer.publicId }],
    ] as const) {
      const answer = await introspect(token, headers, extra);
      expect(answer.status, JSON.stringify(extra)).toBe(401);
      expect(answer.body.error).toBe('invalid_client');
      expect(answer.headers.get('www-authenticate')).toBe('Basic realm="keywarden", charset="UTF-8"');
    }

    const bearer = await introspect(token, { authorization: `Bearer ${resourceServer.text.slice(0, -1)}x` });
    expect(bearer.status).toBe(401);
    expect(bearer.body.error).toBe('invalid_token');
    expect(bearer.headers.get('www-authenticate')).toMatch(/^Bearer realm="keywarden", error="invalid_token", error_description="[^"]+"$/);
  });

  it('needs keys:verify of the same tenant: a key without it, and the platform operator, get 403 insufficient_scope', async () => {
    const token = await issue();
    const noVerify = await introspect(token, { authorization: basic(client) });
    expect(noVerify.status).toBe(403);
    expect(noVerify.body.error).toBe('insufficient_scope');
    expect(noVerify.headers.get('www-authenticate')).toBeNull();
    const asBearer = await introspect(token, { authorization: `Bearer ${client.text}` });
    expect(asBearer.status).toBe(403);
    expect(asBearer.headers.get('www-authenticate')).toBe('Bearer realm="keywarden", error="insufficient_scope", scope="keys:verify"');
    expect((await introspect(token, { authorization: `Bearer ${t.platform}` })).status).toBe(403);
    // A member holding keys:verify (the owner) may ask too.
    expect((await introspect(token, { authorization: `Bearer ${tenant.owner.token}` })).body.active).toBe(true);
  });

  it('refuses bad requests with RFC 6749 errors: no token, two ways of authenticating, GET, an unknown body type', async () => {
    const token = await issue();
    expect((await introspect('')).body).toMatchObject({ error: 'invalid_request' });
    const both = await introspect(token, { authorization: basic(resourceServer) }, { client_id: resourceServer.publicId, client_secret: resourceServer.secret });
    expect([both.status, both.body.error]).toEqual([400, 'invalid_request']);
    const get = await fetch(`${base}/oauth/introspect?token=${token}`, { headers: { authorization: basic(resourceServer) } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const text = await fetch(`${base}/oauth/introspect`, { method: 'POST', headers: { authorization: basic(resourceServer), 'content-type': 'text/plain' }, body: token });
    expect([text.status, (await text.json()).error]).toEqual([400, 'invalid_request']);
    const twice = await fetch(`${base}/oauth/introspect`, {
      method: 'POST',
      headers: { authorization: basic(resourceServer), 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${token}&token=${token}`,
    });
    expect(twice.status).toBe(400);
  });

  it('no secret anywhere: not in answers, logs or audit events', async () => {
    const token = await issue();
    const answers: string[] = [];
    answers.push((await introspect(token)).text);
    answers.push((await introspect(token, { authorization: `Bearer ${resourceServer.text}` })).text);
    answers.push((await introspect(token, { authorization: basic({ publicId: resourceServer.publicId, secret: 'q'.repeat(32) }) })).text);
    answers.push((await introspect(client.text)).text);
    const joined = answers.join('\n');
    for (const secret of [token, client.secret, client.text, resourceServer.secret, resourceServer.text, sha256Hex(token)]) expect(joined).not.toContain(secret);
    const everything = JSON.stringify(await t.app.db.prisma.auditEvent.findMany()) + t.logs.text();
    for (const secret of [token, client.secret, client.text, resourceServer.secret, resourceServer.text]) expect(everything).not.toContain(secret);
  });
});
