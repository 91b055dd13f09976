import * as oauth4 from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKey, parseKey, type ParsedKey } from '@keywarden/sdk/key-format';
import { generateSecret } from '../../src/domain/keyFormat.ts';
import { sha256Hex } from '../../src/domain/secrets.ts';
import { listen, type Listening } from '../harness/app.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, verifyKey, type TestKey } from '../harness/keys.ts';

// The OAuth 2.0 client-credentials grant: a key (client_id = public id, client_secret = its full
// text or its 32 secret characters) gets short-lived access tokens, which the management API and
// POST /v1/verify accept.

const t = useTestApp();
let tenant: TestTenant;
let other: TestTenant;
let client: TestKey;
let verifier: TestKey;

beforeAll(async () => {
  tenant = await createTenant(t.app, 'Tokens');
  other = await createTenant(t.app, 'Elsewhere');
  client = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read', 'tickets:read', 'tickets:write'] });
  verifier = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
});

interface OAuthAnswer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

const basic = (key: { publicId: string; secret: string }) => `Basic ${Buffer.from(`${key.publicId}:${key.secret}`).toString('base64')}`;

async function oauth(path: '/oauth/token' | '/oauth/revoke', params: Record<string, string>, options: { authorization?: string; json?: boolean; ip?: string } = {}): Promise<OAuthAnswer> {
  const headers: Record<string, string> = { 'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded' };
  if (options.authorization) headers.authorization = options.authorization;
  const response = await t.fetch(path, { method: 'POST', headers, body: options.json ? JSON.stringify(params) : new URLSearchParams(params).toString() }, { ip: options.ip });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null, text };
}

const issue = (key: TestKey = client, params: Record<string, string> = {}) => oauth('/oauth/token', { grant_type: 'client_credentials', ...params }, { authorization: basic(key) });
const viewer = (token: string) => t.graphql<{ viewer: { kind: string; tenantId: string; scopes: string[] } }>('{ viewer { kind tenantId scopes } }', {}, { token });
const tokenRows = (key: TestKey) => t.app.db.prisma.accessToken.findMany({ where: { apiKeyId: key.id }, orderBy: { createdAt: 'asc' } });

describe('POST /oauth/token', () => {
  it('issues a bearer token with every scope of the key, stored only as its SHA-256', async () => {
    const answer = await issue();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({ access_token: expect.stringMatching(/^kwt_[A-Za-z0-9]{43}$/), token_type: 'Bearer', expires_in: expect.any(Number), scope: 'keys:read tickets:read tickets:write' });
    expect(answer.body.expires_in).toBeGreaterThan(86_400 - 5);
    expect(answer.body.expires_in).toBeLessThanOrEqual(86_400);
    const rows = await tokenRows(client);
    const row = rows.find((r) => r.tokenHash === sha256Hex(answer.body.access_token));
    expect(row).toBeDefined();
    expect(JSON.stringify(rows)).not.toContain(answer.body.access_token);
  });

  it('the token acts on the management API with its scopes, and verifies at /v1/verify', async () => {
    const { body } = await issue(client, { scope: 'keys:read' });
    const me = await viewer(body.access_token);
    expect(me.data?.viewer).toEqual({ kind: 'ACCESS_TOKEN', tenantId: tenant.id, scopes: ['keys:read'] });
    const verdict = await verifyKey(t, verifier.text, { key: body.access_token, scopes: ['keys:read'] });
    expect(verdict.body).toMatchObject({ valid: true, credentialType: 'ACCESS_TOKEN', keyId: client.id, scopes: ['keys:read'] });
    const narrower = await verifyKey(t, verifier.text, { key: body.access_token, scopes: ['tickets:write'] });
    expect(narrower.body).toMatchObject({ valid: false, code: 'INSUFFICIENT_SCOPES', missingScopes: ['tickets:write'] });
  });

  it('accepts client_id and client_secret as parameters, form-encoded or JSON', async () => {
    for (const json of [false, true]) {
      const answer = await oauth('/oauth/token', { grant_type: 'client_credentials', client_id: client.publicId, client_secret: client.secret, scope: 'tickets:read' }, { json });
      expect(answer.status, `json ${json}`).toBe(200);
      expect(answer.body.scope).toBe('tickets:read');
    }
  });

  it('refuses a scope the key does not hold, naming it, and issues nothing', async () => {
    const before = (await tokenRows(client)).length;
    const answer = await issue(client, { scope: 'tickets:read keys:write' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'invalid_scope', error_description: 'The key does not hold: keys:write' });
    expect((await tokenRows(client)).length).toBe(before);
  });

  it('refuses a wrong secret, an unknown client, a revoked key alike: 401 invalid_client, nothing issued, the secret echoed nowhere', async () => {
    const revoked = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'], status: 'REVOKED' });
    const wrong = { publicId: client.publicId, secret: client.secret.slice(1) + client.secret[0] };
    const before = await t.app.db.prisma.accessToken.count();
    for (const key of [wrong, { publicId: 'pk_nobodyatall000', secret: client.secret }, revoked]) {
      const answer = await oauth('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(key) });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm="keywarden"/);
      expect(answer.text).not.toContain(key.secret);
    }
    expect(await t.app.db.prisma.accessToken.count()).toBe(before);
  });

  it('answers malformed requests with invalid_request or unsupported_grant_type', async () => {
    const cases: [Record<string, string>, { authorization?: string; json?: boolean }, number, string][] = [
      [{}, { authorization: basic(client) }, 400, 'invalid_request'],
      [{ grant_type: 'password', username: 'a', password: 'b' }, { authorization: basic(client) }, 400, 'unsupported_grant_type'],
      [{ grant_type: 'client_credentials', client_id: client.publicId, client_secret: client.secret }, { authorization: basic(client) }, 400, 'invalid_request'],
      [{ grant_type: 'client_credentials' }, {}, 401, 'invalid_client'],
      [{ grant_type: 'client_credentials' }, { authorization: `Bearer ${client.text}` }, 401, 'invalid_client'],
      [{ grant_type: 'client_credentials', scope: 'x'.repeat(101) }, { authorization: basic(client) }, 400, 'invalid_scope'],
    ];
    for (const [params, options, status, error] of cases) {
      const answer = await oauth('/oauth/token', params, options);
      expect([answer.status, answer.body.error], JSON.stringify(params)).toEqual([status, error]);
    }
    const repeated = await t.fetch('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) }, body: 'grant_type=client_credentials&grant_type=client_credentials' });
    expect(repeated.status).toBe(400);
    const badJson = await t.fetch('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(client) }, body: '{"grant_type":' });
    expect((await badJson.json()).error).toBe('invalid_request');
    const get = await t.fetch('/oauth/token');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it("lives no longer than the tenant's token lifetime, nor than its key", async () => {
    await t.app.db.prisma.tenant.update({ where: { id: tenant.id }, data: { defaultTokenTtlSeconds: 600 } });
    try {
      expect((await issue()).body.expires_in).toBeLessThanOrEqual(600);
      expect((await issue()).body.expires_in).toBeGreaterThan(595);
      const shortLived = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'], expiresAt: new Date(Math.floor(Date.now() / 1000) * 1000 + 120_000) });
      const answer = await issue(shortLived);
      expect(answer.body.expires_in).toBeLessThanOrEqual(120);
      const row = (await tokenRows(shortLived))[0]!;
      expect(row.expiresAt.getTime()).toBe((await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: shortLived.id } })).expiresAt!.getTime());
    } finally {
      await t.app.db.prisma.tenant.update({ where: { id: tenant.id }, data: { defaultTokenTtlSeconds: 86_400 } });
    }
  });

  it("is answered like an unknown key in another tenant's verification", async () => {
    const { body } = await issue();
    const foreignVerifier = await createTestKey(t.app, other.id, { ownerId: other.owner.id, scopes: ['keys:verify'] });
    const verdict = await verifyKey(t, foreignVerifier.text, { key: body.access_token });
    expect(verdict.body).toMatchObject({ valid: false, code: 'NOT_FOUND' });
  });

  it('dies with its key: revoking the key refuses its tokens', async () => {
    const key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'] });
    const { body } = await issue(key);
    expect((await viewer(body.access_token)).status).toBe(200);
    await t.app.db.prisma.apiKey.update({ where: { id: key.id }, data: { status: 'REVOKED', revokedAt: new Date() } });
    await t.app.invalidation.invalidate({ tenantId: tenant.id, keyIds: [key.id] });
    expect((await viewer(body.access_token)).status).toBe(401);
  });
});

describe('the full key text as the client secret', () => {
  const withText = (key: TestKey) => ({ publicId: key.publicId, secret: key.text });

  it('is accepted as the HTTP Basic password, as the 32 secret characters still are', async () => {
    for (const credentials of [withText(client), client]) {
      const answer = await oauth('/oauth/token', { grant_type: 'client_credentials', scope: 'keys:read' }, { authorization: basic(credentials) });
      expect(answer.status, answer.text).toBe(200);
      expect((await viewer(answer.body.access_token)).data?.viewer).toEqual({ kind: 'ACCESS_TOKEN', tenantId: tenant.id, scopes: ['keys:read'] });
    }
  });

  it('is accepted as the client_secret parameter (client_secret_post), form-encoded or JSON', async () => {
    for (const json of [false, true]) {
      const answer = await oauth('/oauth/token', { grant_type: 'client_credentials', client_id: client.publicId, client_secret: client.text, scope: 'tickets:read' }, { json });
      expect(answer.status, `json ${json}: ${answer.text}`).toBe(200);
      expect((await viewer(answer.body.access_token)).data?.viewer.scopes).toEqual(['tickets:read']);
    }
  });

  it("is invalid_client with another key's client_id: never the other key", async () => {
    const second = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'] });
    const badChecksum = client.text.slice(0, -1) + (client.text.endsWith('A') ? 'B' : 'A');
    const before = await t.app.db.prisma.accessToken.count();
    for (const [clientId, secret] of [[client.publicId, second.text], [second.publicId, client.text], [client.publicId, badChecksum]] as const) {
      const viaBasic = await oauth('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic({ publicId: clientId, secret }) });
      const viaPost = await oauth('/oauth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
      for (const answer of [viaBasic, viaPost]) {
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
        expect(answer.text).not.toContain(secret);
      }
    }
    expect(await t.app.db.prisma.accessToken.count()).toBe(before);
  });

  it('a wrong secret in the full-text form counts as a failed attempt, like a wrong 32-character one', async () => {
    const key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'] });
    const ip = '198.51.100.7';
    const wrongSecret = generateSecret();
    // A well-formed text (its checksum right) of this public id, with a wrong secret.
    const wrongText = formatKey((parseKey(key.text) as ParsedKey).prefix, key.publicId, wrongSecret);
    const limit = t.app.verification.options.failedAttemptsPerKey;
    for (let i = 0; i < limit; i++) {
      const answer = await oauth('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic({ publicId: key.publicId, secret: i % 2 === 0 ? wrongText : wrongSecret }), ip });
      expect(answer.body.error).toBe('invalid_client');
    }
    // The key's failed attempts are used up: even its right text is refused, unhashed.
    const refused = await oauth('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(withText(key)), ip });
    expect([refused.status, refused.body.error]).toEqual([429, 'slow_down']);
  });

  it('never writes the key text or its secret into a log line', async () => {
    await oauth('/oauth/token', { grant_type: 'client_credentials', client_id: client.publicId, client_secret: client.text.toLowerCase() });
    await oauth('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(withText(client)) });
    await t.app.verification.usage.flush();
    const logs = t.logs.text();
    for (const secret of [client.text, client.secret, client.text.toLowerCase()]) expect(logs).not.toContain(secret);
  });
});

describe('a maintained OAuth client (oauth4webapi) over real HTTP, with what createKey returned', () => {
  let server: Listening;
  beforeAll(async () => { server = await listen(t.app); });
  afterAll(() => server.close());

  const CREATE_KEY = `mutation($input: CreateKeyInput!) { createKey(input: $input) { __typename
    ... on CreateKeyPayload { key clientId clientSecret secret apiKey { id publicId } } } }`;

  it.each([
    ['client_secret_basic', oauth4.ClientSecretBasic],
    ['client_secret_post', oauth4.ClientSecretPost],
  ] as const)('%s: client_id = clientId, client_secret = clientSecret gets a token that acts as the key, and revokes it', async (_method, clientAuth) => {
    const created = (await t.graphql(CREATE_KEY, { input: { name: 'oauth client', scopes: ['keys:read'] } }, { token: tenant.owner.token })).data.createKey;
    expect(created.__typename).toBe('CreateKeyPayload');
    expect(created.clientId).toBe(created.apiKey.publicId);
    expect([created.clientSecret, created.secret]).toEqual([created.key, created.key]);

    const base = `http://127.0.0.1:${server.port}`;
    // Metadata written by hand (oauthIntrospection.test.ts discovers it through RFC 8414).
    const as: oauth4.AuthorizationServer = { issuer: base, token_endpoint: `${base}/oauth/token`, revocation_endpoint: `${base}/oauth/revoke` };
    const oauthClient: oauth4.Client = { client_id: created.clientId };
    // Plain http to the loopback address: oauth4webapi refuses it unless told.
    const options = { [oauth4.allowInsecureRequests]: true };

    const response = await oauth4.clientCredentialsGrantRequest(as, oauthClient, clientAuth(created.clientSecret), { scope: 'keys:read' }, options);
    const tokens = await oauth4.processClientCredentialsResponse(as, oauthClient, response);
    expect(tokens).toMatchObject({ access_token: expect.stringMatching(/^kwt_/), token_type: 'bearer', scope: 'keys:read' });

    const read = (token: string) =>
      fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query ($id: ID!) { viewer { kind } apiKey(id: $id) { publicId } }', variables: { id: created.apiKey.id } }),
      });
    const allowed = await read(tokens.access_token);
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ data: { viewer: { kind: 'ACCESS_TOKEN' }, apiKey: { publicId: created.clientId } } });

    await oauth4.processRevocationResponse(await oauth4.revocationRequest(as, oauthClient, clientAuth(created.clientSecret), tokens.access_token, options));
    expect((await read(tokens.access_token)).status).toBe(401);
  });
});

describe('POST /oauth/revoke', () => {
  it('revokes a token of the calling key; the token is refused from then on', async () => {
    const { body } = await issue();
    expect((await viewer(body.access_token)).status).toBe(200);
    const answer = await oauth('/oauth/revoke', { token: body.access_token }, { authorization: basic(client) });
    expect(answer.status).toBe(200);
    expect((await viewer(body.access_token)).status).toBe(401);
    const row = await t.app.db.prisma.accessToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(body.access_token) } });
    expect(row.revokedAt).not.toBeNull();
  });

  it("answers 200 for an unknown or malformed token and for another key's token, which keeps working", async () => {
    const otherKey = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'] });
    const { body } = await issue(otherKey);
    for (const token of [body.access_token, 'kwt_' + 'A'.repeat(43), 'not-a-token']) {
      expect((await oauth('/oauth/revoke', { token }, { authorization: basic(client) })).status).toBe(200);
    }
    expect((await viewer(body.access_token)).status).toBe(200);
  });

  it('needs the client to authenticate, and a token parameter', async () => {
    const { body } = await issue();
    expect((await oauth('/oauth/revoke', { token: body.access_token })).status).toBe(401);
    expect((await oauth('/oauth/revoke', {}, { authorization: basic(client) })).body.error).toBe('invalid_request');
    expect((await viewer(body.access_token)).status).toBe(200);
  });
});

describe('access tokens in the management API', () => {
  const LIST = 'query ($id: ID!) { node(id: $id) { ... on ApiKey { accessTokens(first: 50) { edges { node { id scopes status expiresAt issuedIp apiKey { id } } } } } } }';
  const REVOKE = 'mutation ($id: ID!) { revokeAccessToken(id: $id) { __typename ... on AccessTokenPayload { accessToken { id status revokedAt } } ... on NotFoundError { message } } }';
  const idOf = async (token: string) => (await t.app.db.prisma.accessToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(token) } })).id;

  it("lists a key's live tokens, newest first, never their text", async () => {
    const key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read', 'tickets:read'] });
    const first = (await issue(key, { scope: 'tickets:read' })).body.access_token;
    const second = (await issue(key)).body.access_token;
    const revoked = (await issue(key)).body.access_token;
    await oauth('/oauth/revoke', { token: revoked }, { authorization: basic(key) });
    const answer = await t.graphql(LIST, { id: key.id }, { token: tenant.owner.token });
    const nodes = answer.data.node.accessTokens.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.id)).toEqual([await idOf(second), await idOf(first)]);
    expect(nodes[1]).toMatchObject({ scopes: ['tickets:read'], status: 'ACTIVE', issuedIp: '127.0.0.1', apiKey: { id: key.id } });
    for (const token of [first, second, revoked]) expect(answer.body).not.toContain(token);
  });

  it('revokeAccessToken ends a token at once; again changes nothing', async () => {
    const token = (await issue()).body.access_token;
    const id = await idOf(token);
    const answer = await t.graphql(REVOKE, { id }, { token: tenant.owner.token });
    expect(answer.data.revokeAccessToken).toMatchObject({ __typename: 'AccessTokenPayload', accessToken: { id, status: 'REVOKED' } });
    expect((await viewer(token)).status).toBe(401);
    const again = await t.graphql(REVOKE, { id }, { token: tenant.owner.token });
    expect(again.data.revokeAccessToken.accessToken.revokedAt).toBe(answer.data.revokeAccessToken.accessToken.revokedAt);
  });

  it("another tenant's token is NOT_FOUND and keeps working; tokens:read and tokens:write are required", async () => {
    const token = (await issue()).body.access_token;
    const id = await idOf(token);
    const foreign = await t.graphql(REVOKE, { id }, { token: other.owner.token });
    expect(foreign.data.revokeAccessToken.__typename).toBe('NotFoundError');
    expect((await t.graphql('query ($id: ID!) { node(id: $id) { id } }', { id }, { token: other.owner.token })).data.node).toBeNull();
    expect((await viewer(token)).status).toBe(200);

    const reader = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'] });
    const refused = await t.graphql(REVOKE, { id }, { token: reader.text });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const hidden = await t.graphql(LIST, { id: client.id }, { token: reader.text });
    expect(hidden.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['tokens:read'] });
    expect((await viewer(token)).status).toBe(200);
  });
});

describe('audit and secrecy', () => {
  it('records issuing and revoking, by the key, with neither the token nor the secret anywhere', async () => {
    const { body } = await issue(client, { scope: 'tickets:read' });
    await oauth('/oauth/revoke', { token: body.access_token }, { authorization: basic(client) });
    const row = await t.app.db.prisma.accessToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(body.access_token) } });
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, targetId: row.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.action, e.actorType, e.actorId])).toEqual([
      ['accessToken.issued', 'API_KEY', client.id],
      ['accessToken.revoked', 'API_KEY', client.id],
    ]);
    expect(events[0]!.changes).toMatchObject({ apiKeyId: client.id, scopes: ['tickets:read'] });
    const everything = JSON.stringify(await t.app.db.prisma.auditEvent.findMany()) + t.logs.text();
    for (const secret of [body.access_token, client.secret, client.text]) expect(everything).not.toContain(secret);
  });
});
