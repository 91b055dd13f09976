import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listen, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestGroup, createTestKey, verifyKey } from '../harness/keys.ts';
import { newId } from '../../src/domain/ids.ts';
import { generateOpaqueToken, sha256Hex } from '../../src/domain/secrets.ts';
import { formatKey } from '@keywarden/sdk/key-format';
import { generatePublicId, generateSecret } from '../../src/domain/keyFormat.ts';

// Every verdict of POST /v1/verify and the GraphQL `verify` query, and the request's own errors.

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
/** The resource server's credential: the owner's session (holds keys:verify). */
let caller: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.app, 'Acme');
  other = await createTenant(t.app, 'Other');
  caller = tenant.owner.token;
});
afterAll(() => t.close());

const key = (options: Partial<Parameters<typeof createTestKey>[2]> = {}) =>
  createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read', 'tickets:write'], ...options });

describe('valid keys', () => {
  it('answers VALID with identity, effective scopes, metadata and expiry', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000);
    const k = await key({ metadata: { plan: 'gold' }, expiresAt });
    const { status, body } = await verifyKey(t, caller, { key: k.text, scopes: ['tickets:read'], ip: '203.0.113.7', endpoint: 'GET /v1/tickets' });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      valid: true,
      code: 'VALID',
      credentialType: 'API_KEY',
      keyId: k.id,
      publicId: k.publicId,
      tenantId: tenant.id,
      ownerId: tenant.owner.id,
      scopes: ['tickets:read', 'tickets:write'],
      metadata: { plan: 'gold' },
      rateLimit: null,
      remainingUses: null,
    });
    expect(new Date(body.expiresAt).getTime()).toBe(Math.floor(expiresAt.getTime()));
  });

  it('answers the same through the GraphQL verify query', async () => {
    const k = await key();
    const result = await t.graphql(
      `query ($input: VerifyInput!) { verify(input: $input) { valid code keyId publicId tenantId ownerId scopes missingScopes } }`,
      { input: { key: k.text, scopes: ['tickets:write'] } },
      { token: caller },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.verify).toEqual({
      valid: true, code: 'VALID', keyId: k.id, publicId: k.publicId, tenantId: tenant.id, ownerId: tenant.owner.id,
      scopes: ['tickets:read', 'tickets:write'], missingScopes: null,
    });
  });

  it("limits effective scopes to the owner's role and the group's limit", async () => {
    const viewer = await tenant.addMember('VIEWER');
    const groupId = await createTestGroup(t.app, tenant.id, { limitsScopes: true, scopeLimit: ['keys:read', 'tickets:read'] });
    const k = await createTestKey(t.app, tenant.id, { ownerId: viewer.id, groupId, scopes: ['keys:read', 'members:read', 'tickets:read'] });
    const { body } = await verifyKey(t, caller, { key: k.text });
    // VIEWER holds keys:read and members:read but no resource scope; the group drops members:read.
    expect(body.scopes).toEqual(['keys:read']);
  });

  it('accepts the previous secret during a rotation grace period, and not after it', async () => {
    const old = await key();
    const current = await key();
    // Make `current` the rotated version of a key whose secret was old's: graft old's hash on as the previous one.
    const previousSecretHash = (await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: old.id } })).secretHash;
    await t.app.db.prisma.apiKey.update({ where: { id: current.id }, data: { previousSecretHash, previousSecretExpiresAt: new Date(Date.now() + 60_000) } });
    await t.app.invalidation.invalidate({ tenantId: tenant.id, keyIds: [current.id] });
    const withOldSecret = formatKey('kw', current.publicId, old.secret);
    expect((await verifyKey(t, caller, { key: withOldSecret })).body.code).toBe('VALID');
    expect((await verifyKey(t, caller, { key: current.text })).body.code).toBe('VALID');

    await t.app.db.prisma.apiKey.update({ where: { id: current.id }, data: { previousSecretExpiresAt: new Date(Date.now() - 1000) } });
    await t.app.invalidation.invalidate({ tenantId: tenant.id, keyIds: [current.id] });
    expect((await verifyKey(t, caller, { key: withOldSecret })).body.code).toBe('NOT_FOUND');
    expect((await verifyKey(t, caller, { key: current.text })).body.code).toBe('VALID');
  });
});

describe('refusals', () => {
  it('NOT_FOUND for an unknown public id and for a wrong secret', async () => {
    const k = await key();
    const unknown = await verifyKey(t, caller, { key: formatKey('kw', generatePublicId(), generateSecret()) });
    const wrongSecret = await verifyKey(t, caller, { key: formatKey('kw', k.publicId, generateSecret()) });
    expect(unknown.body).toEqual({ valid: false, code: 'NOT_FOUND', message: 'No such key' });
    expect(wrongSecret.text).toBe(unknown.text);
  });

  it("a key of another tenant answers exactly like an unknown key", async () => {
    const foreign = await createTestKey(t.app, other.id, { ownerId: other.owner.id, scopes: ['tickets:read'] });
    const unknown = await verifyKey(t, caller, { key: formatKey('kw', generatePublicId(), generateSecret()) });
    const foreignAnswer = await verifyKey(t, caller, { key: foreign.text });
    expect(foreignAnswer.status).toBe(unknown.status);
    expect(foreignAnswer.text).toBe(unknown.text);
    expect([...foreignAnswer.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
    // …while its own tenant sees it.
    expect((await verifyKey(t, other.owner.token, { key: foreign.text })).body.code).toBe('VALID');
  });

  it('NOT_FOUND (malformed) for a bad checksum or shape', async () => {
    const k = await key();
    const flipped = k.text.slice(0, -1) + (k.text.endsWith('A') ? 'B' : 'A');
    for (const text of [flipped, 'kw_short', `${k.text}x`, 'not a key at all']) {
      const { status, body } = await verifyKey(t, caller, { key: text });
      expect(status).toBe(200);
      expect(body).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    }
  });

  it('DISABLED and REVOKED keys, and keys of a deactivated owner', async () => {
    expect((await verifyKey(t, caller, { key: (await key({ status: 'DISABLED' })).text })).body.code).toBe('DISABLED');
    expect((await verifyKey(t, caller, { key: (await key({ status: 'REVOKED' })).text })).body.code).toBe('REVOKED');
    const member = await tenant.addMember('ADMIN');
    const k = await createTestKey(t.app, tenant.id, { ownerId: member.id, scopes: ['tickets:read'] });
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('VALID');
    await t.app.db.prisma.member.update({ where: { id: member.id }, data: { status: 'DEACTIVATED' } });
    await t.app.invalidation.invalidate({ tenantId: tenant.id, keyIds: [k.id] });
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('DISABLED');
  });

  it('EXPIRED once expiresAt has passed', async () => {
    const k = await key({ expiresAt: new Date(Date.now() - 1000) });
    expect((await verifyKey(t, caller, { key: k.text })).body).toEqual({ valid: false, code: 'EXPIRED', message: 'The key has expired' });
  });

  it('IP_NOT_ALLOWED outside the allowed ranges, or when no address is given to a key with rules', async () => {
    const k = await key({ ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }, { action: 'DENY', cidr: '10.9.0.0/16' }] });
    expect((await verifyKey(t, caller, { key: k.text, ip: '10.1.2.3' })).body.code).toBe('VALID');
    expect((await verifyKey(t, caller, { key: k.text, ip: '10.9.2.3' })).body.code).toBe('IP_NOT_ALLOWED');
    expect((await verifyKey(t, caller, { key: k.text, ip: '192.0.2.1' })).body.code).toBe('IP_NOT_ALLOWED');
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('IP_NOT_ALLOWED');
  });

  it('ENDPOINT_NOT_ALLOWED outside the allowed globs', async () => {
    const k = await key({ endpoints: ['GET /v1/tickets/*'] });
    expect((await verifyKey(t, caller, { key: k.text, endpoint: 'GET /v1/tickets/42' })).body.code).toBe('VALID');
    expect((await verifyKey(t, caller, { key: k.text, endpoint: 'DELETE /v1/tickets/42' })).body.code).toBe('ENDPOINT_NOT_ALLOWED');
    expect((await verifyKey(t, caller, { key: k.text, endpoint: 'GET /v1/admin' })).body.code).toBe('ENDPOINT_NOT_ALLOWED');
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('ENDPOINT_NOT_ALLOWED');
  });

  it('judges the path a server routes: encoded dot segments out of the glob are ENDPOINT_NOT_ALLOWED over real HTTP', async () => {
    const k = await key({ endpoints: ['GET /v1/tickets/**'] });
    const server = await listen(t.app);
    try {
      const verify = async (endpoint: string) => {
        const response = await fetch(`http://127.0.0.1:${server.port}/v1/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${caller}` },
          body: JSON.stringify({ key: k.text, endpoint }),
        });
        return { status: response.status, body: (await response.json()) as { valid: boolean; code: string } };
      };
      expect(await verify('GET /v1/tickets/42')).toMatchObject({ status: 200, body: { valid: true, code: 'VALID' } });
      for (const endpoint of ['GET /v1/tickets/%2e%2e/admin', 'GET /v1/tickets/..;/admin', 'GET /v1/tickets/%252e%252e/admin', 'GET /v1/tickets/%zz', 'GET /%2e%2e/v1/tickets']) {
        expect(await verify(endpoint), endpoint).toEqual({
          status: 200,
          body: { valid: false, code: 'ENDPOINT_NOT_ALLOWED', message: 'The key is not allowed to call this endpoint' },
        });
      }
    } finally {
      await server.close();
    }
    const graphql = await t.graphql(
      `query ($input: VerifyInput!) { verify(input: $input) { valid code } }`,
      { input: { key: k.text, endpoint: 'GET /v1/tickets/%2E%2E%2Fadmin' } },
      { token: caller },
    );
    expect(graphql.data).toEqual({ verify: { valid: false, code: 'ENDPOINT_NOT_ALLOWED' } });
  });

  it('INSUFFICIENT_SCOPES names the missing scopes', async () => {
    const k = await key();
    const { body } = await verifyKey(t, caller, { key: k.text, scopes: ['tickets:read', 'billing:write'] });
    expect(body).toEqual({ valid: false, code: 'INSUFFICIENT_SCOPES', message: 'The key lacks required scopes', missingScopes: ['billing:write'] });
  });

  it('TENANT_DISABLED when the tenant is suspended or its API is off', async () => {
    const third = await createTenant(t.app, 'Third');
    const k = await createTestKey(t.app, third.id, { ownerId: third.owner.id });
    expect((await verifyKey(t, third.owner.token, { key: k.text })).body.code).toBe('VALID');
    await t.app.db.prisma.tenant.update({ where: { id: third.id }, data: { apiEnabled: false } });
    await t.app.invalidation.invalidate({ tenantId: third.id });
    expect((await verifyKey(t, third.owner.token, { key: k.text })).body.code).toBe('TENANT_DISABLED');
  });

  it('RATE_LIMITED past the per-window limit, with the remaining count while allowed', async () => {
    const k = await key({ rateLimitMax: 3, rateLimitWindowMs: 60_000 });
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) remaining.push((await verifyKey(t, caller, { key: k.text })).body.rateLimit.remaining);
    expect(remaining).toEqual([2, 1, 0]);
    const { status, body } = await verifyKey(t, caller, { key: k.text });
    expect(status).toBe(200);
    expect(body).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    expect(body.retryAfter).toBeGreaterThan(0);
  });

  it('a group rate limit applies to its keys', async () => {
    const groupId = await createTestGroup(t.app, tenant.id, { rateLimitMax: 1, rateLimitWindowMs: 60_000 });
    const k = await key({ groupId });
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('VALID');
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('RATE_LIMITED');
  });

  it('USAGE_EXCEEDED once the remaining uses are spent', async () => {
    const k = await key({ remainingUses: 2 });
    expect((await verifyKey(t, caller, { key: k.text })).body.remainingUses).toBe(1);
    expect((await verifyKey(t, caller, { key: k.text })).body.remainingUses).toBe(0);
    expect((await verifyKey(t, caller, { key: k.text })).body.code).toBe('USAGE_EXCEEDED');
  });
});

describe('access tokens', () => {
  it('verifies a token with its key, narrowed to the token scopes, and refuses revoked or expired ones', async () => {
    const k = await key();
    const make = async (data: { expiresAt?: Date; revokedAt?: Date }) => {
      const token = generateOpaqueToken('kwt');
      await t.app.db.prisma.accessToken.create({
        data: { id: newId('tok'), tenantId: tenant.id, apiKeyId: k.id, tokenHash: sha256Hex(token), scopes: ['tickets:read'], expiresAt: data.expiresAt ?? new Date(Date.now() + 3600_000), revokedAt: data.revokedAt },
      });
      return token;
    };
    const { body } = await verifyKey(t, caller, { key: await make({}), scopes: ['tickets:read'] });
    expect(body).toMatchObject({ valid: true, credentialType: 'ACCESS_TOKEN', keyId: k.id, scopes: ['tickets:read'] });
    expect((await verifyKey(t, caller, { key: await make({}), scopes: ['tickets:write'] })).body.code).toBe('INSUFFICIENT_SCOPES');
    expect((await verifyKey(t, caller, { key: await make({ revokedAt: new Date() }) })).body.code).toBe('REVOKED');
    expect((await verifyKey(t, caller, { key: await make({ expiresAt: new Date(Date.now() - 1000) }) })).body.code).toBe('EXPIRED');
    expect((await verifyKey(t, caller, { key: generateOpaqueToken('kwt') })).body.code).toBe('NOT_FOUND');
    // A token of another tenant's key is unknown here.
    expect((await verifyKey(t, other.owner.token, { key: await make({}) })).body.code).toBe('NOT_FOUND');
  });
});

describe('the request itself', () => {
  it('400 for malformed requests, with a clear message', async () => {
    const cases: [unknown, RegExp][] = [
      ['{not json', /not valid JSON/],
      ['', /must be JSON/],
      [[], /JSON object/],
      [{}, /key is required/],
      [{ key: 42 }, /key must be a string/],
      [{ key: 'x'.repeat(600) }, /at most 512/],
      [{ key: 'kw_x', scopes: 'tickets:read' }, /list of strings/],
      [{ key: 'kw_x', scopes: Array(65).fill('a:b') }, /at most 64/],
      [{ key: 'kw_x', ip: 'not-an-ip' }, /IPv4 or IPv6/],
      [{ key: 'kw_x', endpoint: 'x'.repeat(3000) }, /endpoint must be/],
      [{ key: 'kw_x', surprise: true }, /Unknown field/],
      ['{"key":"' + 'a'.repeat(20_000) + '"}', /at most 16384 bytes/],
    ];
    for (const [body, message] of cases) {
      const response = await verifyKey(t, caller, body);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(response.body.error.code).toBe('BAD_REQUEST');
      expect(response.body.error.message).toMatch(message);
    }
  });

  it('GraphQL verify refuses bad input with BAD_REQUEST', async () => {
    const result = await t.graphql(`query { verify(input: { key: "kw_x", ip: "nope" }) { valid } }`, {}, { token: caller });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('401 without a credential, 403 without keys:verify, 405 for GET', async () => {
    const anonymous = await t.fetch('/v1/verify', { method: 'POST', body: '{"key":"x"}' });
    expect(anonymous.status).toBe(401);
    const viewer = await tenant.addMember('VIEWER');
    const forbidden = await verifyKey(t, viewer.token, { key: 'x' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.missingScopes).toEqual(['keys:verify']);
    const get = await t.fetch('/v1/verify', { headers: { authorization: `Bearer ${caller}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const gql = await t.graphql(`query { verify(input: { key: "kw_x" }) { valid } }`, {}, { token: viewer.token });
    expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a resource server may authenticate with an API key holding keys:verify', async () => {
    const server = await key({ scopes: ['keys:verify'] });
    const k = await key();
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`${server.publicId}:${password}`).toString('base64')}` });
    for (const headers of [{ authorization: `Bearer ${server.text}` }, { 'x-api-key': server.text } as Record<string, string>, basic(server.secret), basic(server.text)]) {
      const response = await t.fetch('/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ key: k.text }) });
      expect((await response.json()).code).toBe('VALID');
    }
    const noScope = await key({ scopes: ['tickets:read'] });
    expect((await verifyKey(t, noScope.text, { key: k.text })).status).toBe(403);
  });

  it('never writes a presented secret into a response or a log line', async () => {
    const k = await key({ remainingUses: 1 });
    const texts: string[] = [];
    texts.push((await verifyKey(t, caller, { key: k.text })).text);
    texts.push((await verifyKey(t, caller, { key: k.text })).text); // USAGE_EXCEEDED
    texts.push((await verifyKey(t, caller, { key: k.text.replace(k.secret, k.secret.split('').reverse().join('')) })).text);
    texts.push((await t.graphql(`query ($k: String!) { verify(input: { key: $k }) { valid code publicId } }`, { k: k.text }, { token: caller })).body);
    texts.push((await verifyKey(t, caller, { key: k.text, ip: 'bad' })).text);
    await t.app.verification.usage.flush();
    for (const text of [...texts, t.logs.text()]) {
      expect(text).not.toContain(k.secret);
      expect(text).not.toContain(k.text);
    }
  });
});
