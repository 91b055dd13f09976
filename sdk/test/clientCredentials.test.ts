// OAuth 2.0 client credentials through the SDK against a real server: the client sends short-lived
// access tokens instead of its key, fetched once, shared, refreshed before expiry and after a refusal.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AuthenticationError, asId, clientCredentials, ForbiddenError, createClient, MalformedKeyError, parseKey, type KeywardenClient, type ParsedKey } from '../src/index.ts';
import { startLiveServer, type LiveServer, type TestTenant } from './helpers/liveServer.ts';

let live: LiveServer;
let tenant: TestTenant;
let owner: KeywardenClient;
let key: string;

beforeAll(async () => {
  live = await startLiveServer();
  tenant = await live.createTenant();
  owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
  key = (await owner.keys.create({ name: 'automation', scopes: ['keys:read', 'keys:write'] })).secret;
});
afterAll(async () => {
  await live?.close();
});

/** A fetch that counts calls to the token endpoint. */
function countingFetch() {
  const calls = { token: 0, revoke: 0 };
  const fetchImpl = (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/oauth/token')) calls.token++;
    if (url.endsWith('/oauth/revoke')) calls.revoke++;
    return fetch(input, init);
  };
  return { calls, fetchImpl };
}

describe('clientCredentials()', () => {
  test('acts as an access token with the scopes asked for, fetching one token for many requests', async () => {
    const { calls, fetchImpl } = countingFetch();
    const client = createClient({ url: live.url, credential: clientCredentials({ url: live.url, key, scopes: ['keys:read'], fetch: fetchImpl }) });
    const views = await Promise.all([client.viewer(), client.viewer(), client.viewer()]);
    for (const view of views) expect(view).toMatchObject({ kind: 'ACCESS_TOKEN', tenantId: tenant.id, scopes: ['keys:read'] });
    expect((await client.keys.list().toArray()).length).toBeGreaterThan(0);
    expect(calls.token).toBe(1);
  });

  test('fetches a new token before the current one expires', async () => {
    await live.harness.app.db.prisma.tenant.update({ where: { id: tenant.id }, data: { defaultTokenTtlSeconds: 62 } });
    try {
      const { calls, fetchImpl } = countingFetch();
      const client = createClient({ url: live.url, credential: clientCredentials({ url: live.url, key, refreshBeforeSeconds: 60, fetch: fetchImpl }) });
      await client.viewer();
      await client.viewer();
      expect(calls.token).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      await client.viewer();
      expect(calls.token).toBe(2);
    } finally {
      await live.harness.app.db.prisma.tenant.update({ where: { id: tenant.id }, data: { defaultTokenTtlSeconds: 86_400 } });
    }
  });

  test('revoke() ends the token at the server; the next request gets a new one', async () => {
    const { calls, fetchImpl } = countingFetch();
    const provider = clientCredentials({ url: live.url, key, fetch: fetchImpl });
    const header = await provider.getAuthorizationHeader();
    await provider.revoke();
    expect(calls.revoke).toBe(1);
    // The revoked token itself is refused...
    const withRevoked = createClient({ url: live.url, credential: { type: 'bearer', token: header.slice('Bearer '.length) } });
    await expect(withRevoked.viewer()).rejects.toBeInstanceOf(AuthenticationError);
    // ...and the provider fetches a fresh one.
    const client = createClient({ url: live.url, credential: provider });
    expect(await client.viewer()).toMatchObject({ kind: 'ACCESS_TOKEN' });
    expect(calls.token).toBe(2);
  });

  test('a token refused by the server (revoked elsewhere) is dropped and fetched again, once', async () => {
    const { calls, fetchImpl } = countingFetch();
    const provider = clientCredentials({ url: live.url, key, fetch: fetchImpl });
    const client = createClient({ url: live.url, credential: provider });
    await client.viewer();
    const header = await provider.getAuthorizationHeader();
    // Revoked by someone else with the same key: the provider does not know.
    const { publicId, secret } = parseKey(key) as ParsedKey;
    const revoked = await fetch(`${live.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${publicId}:${secret}`)}` },
      body: new URLSearchParams({ token: header.slice('Bearer '.length) }).toString(),
    });
    expect(revoked.status).toBe(200);
    expect(await client.viewer()).toMatchObject({ kind: 'ACCESS_TOKEN' });
    expect(calls.token).toBe(2);
  });

  test('a key the server refuses is an AuthenticationError; a malformed one is refused offline', async () => {
    const revokedKey = await owner.keys.create({ name: 'gone', scopes: ['keys:read'] });
    await owner.keys.revoke({ id: revokedKey.apiKey.id, reason: 'test' });
    const client = createClient({ url: live.url, credential: clientCredentials({ url: live.url, key: revokedKey.secret }) });
    const error = await client.viewer().catch((e) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('Client authentication failed');
    expect(() => clientCredentials({ url: live.url, key: key.slice(0, -1) })).toThrow(MalformedKeyError);
  });

  test("an administrator lists a key's tokens and revokes one; the provider then fetches another", async () => {
    const { calls, fetchImpl } = countingFetch();
    const automation = await owner.keys.create({ name: 'listed', scopes: ['keys:read'] });
    const provider = clientCredentials({ url: live.url, key: automation.secret, fetch: fetchImpl });
    const client = createClient({ url: live.url, credential: provider });
    await client.viewer();
    const tokens = await owner.keys.accessTokens(automation.apiKey.id).toArray();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ status: 'ACTIVE', scopes: ['keys:read'], issuedIp: '127.0.0.1', revokedAt: null });
    const revoked = await owner.keys.revokeAccessToken(tokens[0]!.id);
    expect(revoked).toMatchObject({ id: tokens[0]!.id, status: 'REVOKED' });
    expect(await owner.keys.accessTokens(automation.apiKey.id).toArray()).toHaveLength(0);
    expect(await client.viewer()).toMatchObject({ kind: 'ACCESS_TOKEN' });
    expect(calls.token).toBe(2);
    await expect(owner.keys.revokeAccessToken('tok_00000000000000000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('introspect(): a resource server holding keys:verify learns what a presented token is; a key without it is refused', async () => {
    const automation = await owner.keys.create({ name: 'introspected', scopes: ['keys:read'] });
    const client = clientCredentials({ url: live.url, key: automation.secret, scopes: ['keys:read'] });
    const token = (await client.getAuthorizationHeader()).slice('Bearer '.length);
    const resourceServer = await owner.keys.create({ name: 'resource server', scopes: ['keys:verify'] });
    const rs = clientCredentials({ url: live.url, key: resourceServer.secret });
    expect(await rs.introspect(token)).toMatchObject({ active: true, scope: 'keys:read', client_id: automation.clientId, sub: automation.apiKey.id, token_type: 'Bearer' });
    expect(await rs.introspect('kwt_unknown')).toEqual({ active: false });
    expect(await rs.introspect(automation.secret)).toEqual({ active: false });
    await client.revoke();
    expect(await rs.introspect(token)).toEqual({ active: false });
    await expect(clientCredentials({ url: live.url, key: automation.secret }).introspect(token)).rejects.toBeInstanceOf(ForbiddenError);
  });

  test("token lifetimes and exchange-only keys through the SDK: the tenant's maximum, a group's and a key's lifetime, refused beyond", async () => {
    const tenantNow = await owner.tenants.update({ id: asId('ten', tenant.id), maxTokenTtlSeconds: 7200, defaultTokenTtlSeconds: 3600 });
    expect(tenantNow).toMatchObject({ maxTokenTtlSeconds: 7200, defaultTokenTtlSeconds: 3600 });
    try {
      const group = await owner.groups.create({ name: 'short-lived tokens', tokenTtlSeconds: 600 });
      expect(group.tokenTtlSeconds).toBe(600);
      const created = await owner.keys.create({ name: 'exchange only', scopes: ['keys:read'], groupId: group.id, tokenExchangeOnly: true });
      expect(created.apiKey).toMatchObject({ tokenExchangeOnly: true, tokenTtlSeconds: null });
      const updated = await owner.keys.update({ id: created.apiKey.id, tokenTtlSeconds: 900 });
      expect(updated.tokenTtlSeconds).toBe(900);
      await expect(owner.keys.update({ id: created.apiKey.id, tokenTtlSeconds: 7201 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });

      // The key itself is refused; its tokens act, and live the key's lifetime.
      await expect(createClient({ url: live.url, apiKey: created.key }).viewer()).rejects.toBeInstanceOf(AuthenticationError);
      const provider = clientCredentials({ url: live.url, key: created.key });
      expect(await createClient({ url: live.url, credential: provider }).viewer()).toMatchObject({ kind: 'ACCESS_TOKEN' });
      const [token] = await owner.keys.accessTokens(created.apiKey.id).toArray();
      const lifetime = (token!.expiresAt.getTime() - Date.now()) / 1000;
      expect(lifetime).toBeGreaterThan(900 - 60);
      expect(lifetime).toBeLessThanOrEqual(900);
    } finally {
      await owner.tenants.update({ id: asId('ten', tenant.id), defaultTokenTtlSeconds: 86_400, maxTokenTtlSeconds: 2_592_000 });
    }
  });
});
