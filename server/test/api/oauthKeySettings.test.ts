import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { verifyKey } from '../harness/keys.ts';

// Token lifetimes per key and group within the tenant's maximum, and keys that may only be
// exchanged for access tokens: all set through GraphQL, as an integrator would.

const t = useTestApp();
let tenant: TestTenant;
let other: TestTenant;
let verifierKey: string;

const KEY_FIELDS = 'id publicId tokenTtlSeconds tokenExchangeOnly';
const ERRORS = '... on ValidationError { fieldErrors { path message } } ... on NotFoundError { message } ... on ForbiddenError { message }';
const CREATE_KEY = `mutation ($input: CreateKeyInput!) { createKey(input: $input) { __typename ... on CreateKeyPayload { key apiKey { ${KEY_FIELDS} } } ${ERRORS} } }`;
const UPDATE_KEY = `mutation ($input: UpdateKeyInput!) { updateKey(input: $input) { __typename ... on ApiKeyPayload { apiKey { ${KEY_FIELDS} } } ${ERRORS} } }`;
const CREATE_GROUP = `mutation ($input: CreateGroupInput!) { createGroup(input: $input) { __typename ... on GroupPayload { group { id tokenTtlSeconds } } ${ERRORS} } }`;
const UPDATE_GROUP = `mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { __typename ... on GroupPayload { group { id tokenTtlSeconds } } ${ERRORS} } }`;
const UPDATE_TENANT = `mutation ($input: UpdateTenantInput!) { updateTenant(input: $input) { __typename ... on TenantPayload { tenant { defaultTokenTtlSeconds maxTokenTtlSeconds } } ${ERRORS} } }`;

async function mutate(query: string, input: Record<string, unknown>, token = tenant.owner.token): Promise<any> {
  const answer = await t.graphql(query, { input }, { token });
  expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
  return Object.values(answer.data as object)[0];
}

async function createKey(input: Record<string, unknown>, owner: TestTenant = tenant): Promise<{ key: string; apiKey: any }> {
  const result = await mutate(CREATE_KEY, { name: 'client', scopes: ['keys:read'], ...input }, owner.owner.token);
  expect(result.__typename, JSON.stringify(result)).toBe('CreateKeyPayload');
  return result;
}

const basicOf = (key: string, publicId: string) => `Basic ${Buffer.from(`${publicId}:${key}`).toString('base64')}`;

async function token(created: { key: string; apiKey: { publicId: string } }): Promise<{ status: number; body: any }> {
  const response = await t.fetch('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicOf(created.key, created.apiKey.publicId) },
    body: 'grant_type=client_credentials',
  });
  return { status: response.status, body: await response.json() };
}

async function expiresIn(created: { key: string; apiKey: { publicId: string } }): Promise<number> {
  const answer = await token(created);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.expires_in;
}

function expectFieldError(result: any, path: string[], message: RegExp): void {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  expect(result.fieldErrors).toContainEqual({ path, message: expect.stringMatching(message) });
}

beforeAll(async () => {
  tenant = await createTenant(t.app, 'Lifetimes');
  other = await createTenant(t.app, 'Elsewhere');
  verifierKey = (await createKey({ name: 'resource server', scopes: ['keys:verify'] })).key;
});

// expires_in is counted from the token's whole second: within a second or two of the lifetime.
const about = (seconds: number) => expect.toSatisfy((n: number) => n <= seconds && n >= seconds - 3);

describe('token lifetime per key and group, within the tenant maximum', () => {
  it("key's own, else its group's, else the tenant default; cleared falls back", async () => {
    const group = (await mutate(CREATE_GROUP, { name: 'short tokens', tokenTtlSeconds: 600 })).group;
    expect(group.tokenTtlSeconds).toBe(600);
    const inGroup = await createKey({ groupId: group.id });
    expect(inGroup.apiKey.tokenTtlSeconds).toBeNull();
    expect(await expiresIn(inGroup)).toEqual(about(600));

    const own = await createKey({ groupId: group.id, tokenTtlSeconds: 120 });
    expect(own.apiKey.tokenTtlSeconds).toBe(120);
    expect(await expiresIn(own)).toEqual(about(120));

    const updated = await mutate(UPDATE_KEY, { id: own.apiKey.id, tokenTtlSeconds: 900 });
    expect(updated.apiKey.tokenTtlSeconds).toBe(900);
    expect(await expiresIn(own)).toEqual(about(900));
    expect((await mutate(UPDATE_KEY, { id: own.apiKey.id, clearTokenTtl: true })).apiKey.tokenTtlSeconds).toBeNull();
    expect(await expiresIn(own)).toEqual(about(600));

    expect((await mutate(UPDATE_GROUP, { id: group.id, clearTokenTtl: true })).group.tokenTtlSeconds).toBeNull();
    expect(await expiresIn(own)).toEqual(about(86_400));
    expect((await mutate(UPDATE_GROUP, { id: group.id, tokenTtlSeconds: 300 })).group.tokenTtlSeconds).toBe(300);
    expect(await expiresIn(own)).toEqual(about(300));
  });

  it('the owner sets the tenant maximum and default; a lowered maximum cuts every longer setting', async () => {
    const long = await createKey({ tokenTtlSeconds: 7200 });
    const set = await mutate(UPDATE_TENANT, { id: tenant.id, maxTokenTtlSeconds: 3600, defaultTokenTtlSeconds: 1800 });
    expect(set).toMatchObject({ __typename: 'TenantPayload', tenant: { defaultTokenTtlSeconds: 1800, maxTokenTtlSeconds: 3600 } });
    try {
      expect(await expiresIn(long)).toEqual(about(3600));
      expect(await expiresIn(await createKey({}))).toEqual(about(1800));
      const answer = await t.graphql(`{ apiKey(id: "${long.apiKey.id}") { tokenTtlSeconds } }`, {}, { token: tenant.owner.token });
      expect(answer.data.apiKey.tokenTtlSeconds).toBe(7200);
    } finally {
      await mutate(UPDATE_TENANT, { id: tenant.id, defaultTokenTtlSeconds: 86_400, maxTokenTtlSeconds: 2_592_000 });
    }
  });

  it('refuses lifetimes beyond the maximum or the 60 s - 30 days bounds, a default above the maximum, and both value and clear; nothing changes', async () => {
    await mutate(UPDATE_TENANT, { id: tenant.id, maxTokenTtlSeconds: 3600, defaultTokenTtlSeconds: 600 });
    try {
      const key = await createKey({ tokenTtlSeconds: 1200 });
      expectFieldError(await mutate(CREATE_KEY, { name: 'too long', tokenTtlSeconds: 3601 }), ['input', 'tokenTtlSeconds'], /at most 1 hour.*maximum token lifetime/);
      expectFieldError(await mutate(UPDATE_KEY, { id: key.apiKey.id, tokenTtlSeconds: 7200 }), ['input', 'tokenTtlSeconds'], /maximum token lifetime/);
      expectFieldError(await mutate(CREATE_GROUP, { name: 'too long', tokenTtlSeconds: 7200 }), ['input', 'tokenTtlSeconds'], /maximum token lifetime/);
      expectFieldError(await mutate(CREATE_KEY, { name: 'too short', tokenTtlSeconds: 59 }), ['input', 'tokenTtlSeconds'], /at least 60/);
      expectFieldError(await mutate(CREATE_KEY, { name: 'beyond', tokenTtlSeconds: 2_592_001 }), ['input', 'tokenTtlSeconds'], /at most 2592000/);
      expectFieldError(await mutate(UPDATE_KEY, { id: key.apiKey.id, tokenTtlSeconds: 120, clearTokenTtl: true }), ['input', 'clearTokenTtl'], /not both/);
      expectFieldError(await mutate(UPDATE_TENANT, { id: tenant.id, defaultTokenTtlSeconds: 7200 }), ['input', 'defaultTokenTtlSeconds'], /must not exceed the maximum/);
      expectFieldError(await mutate(UPDATE_TENANT, { id: tenant.id, maxTokenTtlSeconds: 300 }), ['input', 'maxTokenTtlSeconds'], /must not exceed the maximum/);
      const after = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.apiKey.id } });
      expect(after.tokenTtlSeconds).toBe(1200);
      expect(await t.app.db.prisma.apiKey.count({ where: { tenantId: tenant.id, name: { in: ['too long', 'too short', 'beyond'] } } })).toBe(0);
      expect(await t.app.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ defaultTokenTtlSeconds: 600, maxTokenTtlSeconds: 3600 });
    } finally {
      await mutate(UPDATE_TENANT, { id: tenant.id, defaultTokenTtlSeconds: 86_400, maxTokenTtlSeconds: 2_592_000 });
    }
  });

  it('only tenant:admin (the owner) sets the maximum; another tenant cannot touch the keys or groups', async () => {
    const admin = await tenant.addMember('ADMIN');
    const refused = await t.graphql(UPDATE_TENANT, { input: { id: tenant.id, maxTokenTtlSeconds: 600 } }, { token: admin.token });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['tenant:admin'] });
    const key = await createKey({});
    expect((await mutate(UPDATE_KEY, { id: key.apiKey.id, tokenTtlSeconds: 600 }, other.owner.token)).__typename).toBe('NotFoundError');
    const group = (await mutate(CREATE_GROUP, { name: 'mine' })).group;
    expect((await mutate(UPDATE_GROUP, { id: group.id, tokenTtlSeconds: 600 }, other.owner.token)).__typename).toBe('NotFoundError');
    const foreign = await t.graphql(UPDATE_TENANT, { input: { id: tenant.id, maxTokenTtlSeconds: 600 } }, { token: other.owner.token });
    expect(foreign.data?.updateTenant?.__typename).toBe('NotFoundError');
    expect(await t.app.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).toMatchObject({ maxTokenTtlSeconds: 2_592_000 });
    expect((await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.apiKey.id } })).tokenTtlSeconds).toBeNull();
  });

  it('changes are audited under their names', async () => {
    const key = await createKey({ tokenTtlSeconds: 600 });
    await mutate(UPDATE_KEY, { id: key.apiKey.id, tokenTtlSeconds: 900, tokenExchangeOnly: true });
    await mutate(UPDATE_TENANT, { id: tenant.id, maxTokenTtlSeconds: 7200, defaultTokenTtlSeconds: 3600 });
    await mutate(UPDATE_TENANT, { id: tenant.id, defaultTokenTtlSeconds: 86_400, maxTokenTtlSeconds: 2_592_000 });
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, targetId: { in: [key.apiKey.id, tenant.id] } }, orderBy: { seq: 'asc' } });
    const byAction = (action: string) => events.filter((e) => e.action === action).map((e) => e.changes);
    expect(byAction('key.created')[0]).toMatchObject({ tokenTtlSeconds: 600, tokenExchangeOnly: false });
    expect(byAction('key.updated')[0]).toEqual({ tokenTtlSeconds: { before: 600, after: 900 }, tokenExchangeOnly: { before: false, after: true } });
    expect(byAction('tenant.updated').at(-2)).toMatchObject({ maxTokenTtlSeconds: { before: 2_592_000, after: 7200 }, defaultTokenTtlSeconds: { before: 86_400, after: 3600 } });
    expect(JSON.stringify(events)).not.toContain(key.key);
  });
});

describe('keys that may only be exchanged for tokens', () => {
  it('the key gets tokens at /oauth/token, which act everywhere; the key itself is refused with TOKEN_EXCHANGE_ONLY', async () => {
    const created = await createKey({ tokenExchangeOnly: true });
    expect(created.apiKey.tokenExchangeOnly).toBe(true);

    const direct = await verifyKey(t, verifierKey, { key: created.key });
    expect(direct.body).toMatchObject({ valid: false, code: 'TOKEN_EXCHANGE_ONLY', message: expect.stringContaining('/oauth/token') });
    const bearer = await t.graphql('{ viewer { kind } }', {}, { token: created.key });
    expect(bearer.status).toBe(401);
    expect(bearer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(bearer.errors?.[0]?.message).toContain('only be exchanged for access tokens');
    expect(bearer.headers.get('www-authenticate')).toMatch(/^Bearer realm="keywarden", error="invalid_token", error_description=".*exchanged/);
    const gql = await t.graphql('query ($key: String!) { verify(input: { key: $key }) { valid code } }', { key: created.key }, { token: verifierKey });
    expect(gql.data?.verify ?? gql.errors).toEqual({ valid: false, code: 'TOKEN_EXCHANGE_ONLY' });

    const issued = await token(created);
    expect(issued.status).toBe(200);
    const viaToken = await verifyKey(t, verifierKey, { key: issued.body.access_token, scopes: ['keys:read'] });
    expect(viaToken.body).toMatchObject({ valid: true, credentialType: 'ACCESS_TOKEN', keyId: created.apiKey.id });
    expect((await t.graphql('{ viewer { kind } }', {}, { token: issued.body.access_token })).data).toEqual({ viewer: { kind: 'ACCESS_TOKEN' } });
    const revoke = await t.fetch('/oauth/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicOf(created.key, created.apiKey.publicId) },
      body: new URLSearchParams({ token: issued.body.access_token }).toString(),
    });
    expect(revoke.status).toBe(200);
  });

  it('says so only to whoever proved the secret; switched off, the key acts directly again at once', async () => {
    const created = await createKey({ tokenExchangeOnly: true });
    const wrong = created.key.slice(0, -1) + (created.key.endsWith('a') ? 'b' : 'a');
    const guessed = await verifyKey(t, verifierKey, { key: wrong });
    expect(guessed.body.code).not.toBe('TOKEN_EXCHANGE_ONLY');
    expect((await verifyKey(t, verifierKey, { key: created.key })).body.code).toBe('TOKEN_EXCHANGE_ONLY');

    expect((await mutate(UPDATE_KEY, { id: created.apiKey.id, tokenExchangeOnly: false })).apiKey.tokenExchangeOnly).toBe(false);
    expect((await verifyKey(t, verifierKey, { key: created.key })).body).toMatchObject({ valid: true, credentialType: 'API_KEY' });
    await mutate(UPDATE_KEY, { id: created.apiKey.id, tokenExchangeOnly: true });
    expect((await verifyKey(t, verifierKey, { key: created.key })).body.code).toBe('TOKEN_EXCHANGE_ONLY');
  });

  it('as a resource server at /oauth/introspect it presents one of its tokens, not itself', async () => {
    const rs = await createKey({ name: 'exchange-only resource server', scopes: ['keys:verify'], tokenExchangeOnly: true });
    const client = await createKey({});
    const clientToken = (await token(client)).body.access_token;
    const introspect = (authorization: string) =>
      t.fetch('/oauth/introspect', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization }, body: `token=${clientToken}` });
    const itself = await introspect(basicOf(rs.key, rs.apiKey.publicId));
    expect(itself.status).toBe(401);
    expect(itself.headers.get('www-authenticate')).toBe('Basic realm="keywarden", charset="UTF-8"');
    const rsToken = (await token(rs)).body.access_token;
    const viaToken = await introspect(`Bearer ${rsToken}`);
    expect(await viaToken.json()).toMatchObject({ active: true, client_id: client.apiKey.publicId });
  });

  it('no secret in logs or audit', async () => {
    const created = await createKey({ tokenExchangeOnly: true });
    const issued = (await token(created)).body.access_token;
    await verifyKey(t, verifierKey, { key: created.key });
    const everything = JSON.stringify(await t.app.db.prisma.auditEvent.findMany()) + t.logs.text();
    for (const secret of [created.key, issued]) expect(everything).not.toContain(secret);
  });
});
