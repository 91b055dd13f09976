import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, platformToken, type TestTenant } from '../harness/fixtures.ts';
import type { Caller } from '../../src/context.ts';
import { newId } from '../../src/domain/ids.ts';
import { parseKey } from '@keywarden/sdk/key-format';
import { scopeSet } from '../../src/domain/scopes.ts';
import { verifySecret } from '../../src/domain/secrets.ts';

// The app's clock is ours to move. Fixture sessions live one real hour from their creation, so
// the clock starts half an hour in the past and tests move it by minutes at most.
const START = Math.floor((Date.now() - 30 * 60_000) / 1000) * 1000;
let nowMs = START;
const at = (secondsFromStart: number) => { nowMs = START + secondsFromStart * 1000; };

let t: TestApp;
beforeAll(async () => { t = await createTestApp({ clock: () => new Date(nowMs) }); });
afterAll(async () => { await t?.close(); });
beforeEach(() => { nowMs = START; });

const KEY = `id publicId maskedKey name description contactEmail status scopes effectiveScopes endpoints expiresAt metadata
  createdAt updatedAt lastUsedAt lastUsedIp usageCount revokedAt revokedReason rotationGraceEndsAt
  owner { id } group { id } ipRules { action cidr level description }`;
const ERRORS = `... on Error { message code } ... on ValidationError { fieldErrors { path message } }
  ... on ForbiddenError { missingScopes } ... on ConflictError { field } ... on NotFoundError { resource }`;
const CREATE = `mutation($input: CreateKeyInput!) { createKey(input: $input) { __typename ... on CreateKeyPayload { key clientId clientSecret secret apiKey { ${KEY} } } ${ERRORS} } }`;
const UPDATE = `mutation($input: UpdateKeyInput!) { updateKey(input: $input) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`;
const DISABLE = `mutation($id: ID!) { disableKey(id: $id) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`;
const ENABLE = `mutation($id: ID!) { enableKey(id: $id) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`;
const REVOKE = `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { __typename ... on ApiKeyPayload { apiKey { ${KEY} } } ${ERRORS} } }`;
const DELETE = `mutation($id: ID!) { deleteKey(id: $id) { __typename ... on DeleteKeyPayload { deletedKeyId } ${ERRORS} } }`;
const ROTATE = `mutation($input: RotateKeyInput!) { rotateKey(input: $input) { __typename ... on RotateKeyPayload { key clientId clientSecret secret apiKey { ${KEY} } } ${ERRORS} } }`;
const BULK = `mutation($input: BulkUpdateKeysInput!) { bulkUpdateKeys(input: $input) { __typename ... on BulkUpdateKeysPayload { count keyIds } ${ERRORS} } }`;
const GET = `query($id: ID!) { apiKey(id: $id) { ${KEY} } }`;
const LIST = `query($filter: ApiKeyFilter, $first: Int, $after: String) {
  apiKeys(filter: $filter, first: $first, after: $after) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }`;
const EXPLAIN = `query($id: ID!, $ip: String!, $scopes: [String!]) { explainAccess(keyId: $id, ip: $ip, scopes: $scopes) {
  code allowed effectiveScopes missingScopes } }`;

type Result = Record<string, any>;

/** The one top-level field of a response, which must carry no top-level errors. */
async function call(document: string, variables: Record<string, unknown>, token: string): Promise<Result> {
  const response = await t.graphql(document, variables, { token });
  expect(response.errors, response.body).toBeUndefined();
  return Object.values(response.data as Result)[0];
}

async function issue(tenant: TestTenant, input: Record<string, unknown> = {}, token = tenant.owner.token) {
  const result = await call(CREATE, { input: { name: 'key', ...input } }, token);
  expect(result.__typename, JSON.stringify(result)).toBe('CreateKeyPayload');
  return result as { key: string; clientId: string; clientSecret: string; secret: string; apiKey: Result };
}

function expectFieldError(result: Result, path: string[], message?: string | RegExp) {
  expect(result.__typename, JSON.stringify(result)).toBe('ValidationError');
  expect(result.code).toBe('VALIDATION_FAILED');
  const match = result.fieldErrors.find((e: { path: string[] }) => e.path.join('.') === path.join('.'));
  expect(match, `no field error at ${path.join('.')}: ${JSON.stringify(result.fieldErrors)}`).toBeTruthy();
  if (message) expect(match.message).toMatch(message);
}

/** Everything a failed mutation must leave untouched: keys, IP rules and the audit trail. */
async function tenantState(tenantId: string): Promise<string> {
  const db = t.app.db.prisma;
  const [keys, rules, audit] = await Promise.all([
    db.apiKey.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    db.ipRule.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    db.auditEvent.count({ where: { tenantId } }),
  ]);
  return JSON.stringify({ keys, rules, audit }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

async function addScopes(tenant: TestTenant, names: string[]) {
  await t.app.db.prisma.scope.createMany({ data: names.map((name) => ({ id: newId('scp'), tenantId: tenant.id, name })) });
}

async function customRole(tenant: TestTenant, scopes: string[]) {
  const role = await t.app.db.prisma.role.create({ data: { id: newId('rol'), tenantId: tenant.id, name: `role-${newId('rol').slice(-6)}`, scopes } });
  return role.id;
}

async function auditEvents(tenantId: string, targetId?: string) {
  return t.app.db.prisma.auditEvent.findMany({ where: { tenantId, ...(targetId && { targetId }) }, orderBy: { seq: 'asc' } });
}

async function storedKey(id: string) {
  return t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id } });
}

/** What verification will accept: the current secret, or the previous one until its grace ends. */
async function secretAccepted(id: string, keyText: string): Promise<boolean> {
  const parsed = parseKey(keyText);
  if (!parsed.ok) return false;
  const key = await storedKey(id);
  if (await verifySecret(key.secretHash, parsed.secret)) return true;
  return key.previousSecretHash !== null && key.previousSecretExpiresAt !== null && key.previousSecretExpiresAt.getTime() > nowMs
    && verifySecret(key.previousSecretHash, parsed.secret);
}

describe('createKey', () => {
  it('returns the full key text once, stores only an argon2id hash of its secret part', async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read']);
    const { secret, apiKey } = await issue(a, {
      name: 'Scheduling integration', description: 'Syncs the calendar', contactEmail: 'ops@example.com',
      scopes: ['tickets:read'], endpoints: ['GET /v1/tickets/**'], ipRules: [{ action: 'ALLOW', cidr: '10.0.0.1/8', description: 'office' }],
      metadata: { team: 'support' }, expiresIn: '1d',
    });

    const parsed = parseKey(secret);
    expect(parsed).toMatchObject({ ok: true, prefix: 'kw', publicId: apiKey.publicId });
    expect(apiKey.publicId).toMatch(/^pk_[A-Za-z0-9]{20}$/);
    expect(apiKey.maskedKey).toBe(`kw_…${secret.slice(-4)}`);
    expect(apiKey).toMatchObject({
      name: 'Scheduling integration', description: 'Syncs the calendar', contactEmail: 'ops@example.com', status: 'ACTIVE',
      scopes: ['tickets:read'], effectiveScopes: ['tickets:read'], endpoints: ['GET /v1/tickets/**'], metadata: { team: 'support' },
      owner: { id: a.owner.id }, group: null, usageCount: 0, lastUsedAt: null, revokedAt: null,
      ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8', level: 'KEY', description: 'office' }],
      expiresAt: new Date(START + 86_400_000).toISOString(),
    });

    const row = await storedKey(apiKey.id);
    expect(row.secretHash.startsWith('$argon2id$')).toBe(true);
    expect(await verifySecret(row.secretHash, parsed.ok ? parsed.secret : '')).toBe(true);
    expect(await verifySecret(row.secretHash, secret)).toBe(false); // the hash covers the secret part only
    expect(row.keyTail).toBe(secret.slice(-4));
    expect(row.previousSecretHash).toBeNull();
  });

  it('a mistyped key text fails its checksum before any lookup', async () => {
    const a = await createTenant(t.app);
    const { secret } = await issue(a);
    const last = secret.length - 8; // inside the secret part
    const typo = secret.slice(0, last) + (secret[last] === 'a' ? 'b' : 'a') + secret.slice(last + 1);
    expect(parseKey(typo)).toMatchObject({ ok: false, problem: 'BAD_CHECKSUM' });
    expect(parseKey(secret.slice(0, -1))).toMatchObject({ ok: false });
  });

  it('defaults: the calling member owns it, every endpoint, no scopes, ACTIVE, never expires', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a);
    expect(apiKey).toMatchObject({ owner: { id: a.owner.id }, endpoints: ['*'], scopes: [], status: 'ACTIVE', expiresAt: null, metadata: null, ipRules: [] });
  });

  it('creates a DISABLED key when asked', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a, { status: 'DISABLED' });
    expect(apiKey.status).toBe('DISABLED');
  });

  it('takes a chosen public id, unique across all tenants', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const { secret, apiKey } = await issue(a, { publicId: 'pk_crm-sync_01' });
    expect(apiKey.publicId).toBe('pk_crm-sync_01');
    expect(parseKey(secret)).toMatchObject({ ok: true, publicId: 'pk_crm-sync_01' });

    const before = await tenantState(b.id);
    const taken = await call(CREATE, { input: { name: 'mine', publicId: 'pk_crm-sync_01' } }, b.owner.token);
    expect(taken).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'publicId' });
    expect(await tenantState(b.id)).toBe(before);
  });

  it("caps expiry by the tenant's maximum lifetime and refuses the past", async () => {
    const a = await createTenant(t.app);
    await t.app.db.prisma.tenant.update({ where: { id: a.id }, data: { maxKeyLifetimeSeconds: 2 * 86_400 } });

    const defaulted = await issue(a);
    expect(defaulted.apiKey.expiresAt).toBe(new Date(START + 2 * 86_400_000).toISOString());
    const preset = await issue(a, { expiresIn: '12h' });
    expect(preset.apiKey.expiresAt).toBe(new Date(START + 43_200_000).toISOString());
    const exact = await issue(a, { expiresAt: new Date(START + 3_600_500).toISOString() });
    expect(exact.apiKey.expiresAt).toBe(new Date(START + 3_600_000).toISOString()); // whole seconds

    const before = await tenantState(a.id);
    expectFieldError(await call(CREATE, { input: { name: 'k', expiresIn: '5d' } }, a.owner.token), ['input', 'expiresIn'], /2 days/);
    expectFieldError(await call(CREATE, { input: { name: 'k', expiresAt: new Date(START + 3 * 86_400_000).toISOString() } }, a.owner.token), ['input', 'expiresAt']);
    expectFieldError(await call(CREATE, { input: { name: 'k', expiresAt: new Date(START - 1000).toISOString() } }, a.owner.token), ['input', 'expiresAt'], /future/);
    expectFieldError(await call(CREATE, { input: { name: 'k', expiresAt: new Date(START).toISOString() } }, a.owner.token), ['input', 'expiresAt'], /future/);
    expect(await tenantState(a.id)).toBe(before);
  });

  it.each([
    ['an empty name', { name: '  ' }, ['input', 'name']],
    ['a bad contact email', { contactEmail: 'not-an-email' }, ['input', 'contactEmail']],
    ['a short public id', { publicId: 'pk_ab' }, ['input', 'publicId']],
    ['a public id without pk_', { publicId: 'sk_abcdef' }, ['input', 'publicId']],
    ['a public id with punctuation', { publicId: 'pk_abc.def' }, ['input', 'publicId']],
    ['an endpoint without a slash', { endpoints: ['tickets'] }, ['input', 'endpoints', '0']],
    ['no endpoints at all', { endpoints: [] }, ['input', 'endpoints']],
    ['a prefix beyond /32', { ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/33' }] }, ['input', 'ipRules', '0', 'cidr'], /10\.0\.0\.0\/33/],
    ['a three-part address', { ipRules: [{ action: 'DENY', cidr: '1.2.3' }] }, ['input', 'ipRules', '0', 'cidr'], /"1\.2\.3"/],
    ['a bad IPv6 address', { ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }, { action: 'DENY', cidr: '::gggg' }] }, ['input', 'ipRules', '1', 'cidr'], /::gggg/],
    ['metadata that is not an object', { metadata: [1, 2] }, ['input', 'metadata'], /object/],
    ['metadata over 4 KiB', { metadata: { blob: 'x'.repeat(4100) } }, ['input', 'metadata'], /4096/],
    ['an unknown preset', { expiresIn: '2d' }, ['input', 'expiresIn'], /1h, 12h, 1d, 5d, 1y/],
    ['both a preset and a date', { expiresIn: '1h', expiresAt: '2099-01-01T00:00:00Z' }, ['input', 'expiresAt']],
    ['a malformed scope name', { scopes: ['tickets'] }, ['input', 'scopes', '0']],
    ['a scope the tenant does not have', { scopes: ['keys:read', 'billing:read'] }, ['input', 'scopes', '1'], /"billing:read" is neither/],
    ['a scope listed twice', { scopes: ['keys:read', 'keys:read'] }, ['input', 'scopes', '1'], /more than once/],
  ] as const)('rejects %s with a field error and writes nothing', async (_label, input, path, message?) => {
    const a = await createTenant(t.app);
    const before = await tenantState(a.id);
    const result = await call(CREATE, { input: { name: 'k', ...input } }, a.owner.token);
    expectFieldError(result, [...path], message);
    expect(await tenantState(a.id)).toBe(before);
  });

  it("refuses scopes the owner's role does not hold, on the scopes field", async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const admin = await a.addMember('ADMIN');
    const support = await a.addMember({ roleId: await customRole(a, ['keys:read', 'keys:write', 'tickets:read']) });
    const before = await tenantState(a.id);
    expectFieldError(await call(CREATE, { input: { name: 'k', scopes: ['tenant:admin'] } }, admin.token), ['input', 'scopes'], /tenant:admin/);
    expectFieldError(await call(CREATE, { input: { name: 'k', scopes: ['tickets:write'] } }, support.token), ['input', 'scopes'], /tickets:write/);
    // The owner's role, not the caller's, is what counts.
    expectFieldError(await call(CREATE, { input: { name: 'k', ownerId: support.id, scopes: ['tickets:write'] } }, a.owner.token), ['input', 'scopes']);
    expect(await tenantState(a.id)).toBe(before);
    const ok = await issue(a, { ownerId: support.id, scopes: ['tickets:read'] });
    expect(ok.apiKey.owner.id).toBe(support.id);
  });

  it('a caller cannot make a key for a member whose role holds scopes the caller lacks', async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read']);
    const admin = await a.addMember('ADMIN');
    const member = await a.addMember('MEMBER');
    const support = await a.addMember({ roleId: await customRole(a, ['keys:read', 'keys:write', 'tickets:read']) });
    const before = await tenantState(a.id);

    const forOwner = await call(CREATE, { input: { name: 'k', ownerId: a.owner.id } }, admin.token);
    expect(forOwner).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN', missingScopes: ['tenant:admin'] });
    // ADMIN holds every scope but one, so a caller with a list of scopes lacks "everything".
    const forAdmin = await call(CREATE, { input: { name: 'k', ownerId: admin.id } }, support.token);
    expect(forAdmin).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['*'] });
    expect(await tenantState(a.id)).toBe(before);

    expect((await issue(a, { ownerId: member.id, scopes: ['keys:read'] }, admin.token)).apiKey.owner.id).toBe(member.id);
  });

  it('an API-key caller must name the owner, and cannot grant scopes it lacks', async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const reader = await a.addMember({ roleId: await customRole(a, ['tickets:read']) });
    const writer = await a.addMember({ roleId: await customRole(a, ['tickets:read', 'tickets:write']) });
    const original = t.app.apiKeyAuthenticator;
    const automation: Caller = {
      kind: 'apiKey', tenantId: a.id, keyId: newId('key'), publicId: 'pk_automation', ownerId: a.owner.id,
      scopes: scopeSet(['keys:read', 'keys:write', 'members:read', 'tickets:read']),
    };
    t.app.apiKeyAuthenticator = async (credential) => (credential.kind === 'token' && credential.text === 'automation-key' ? automation : null);
    try {
      const before = await tenantState(a.id);
      expectFieldError(await call(CREATE, { input: { name: 'k' } }, 'automation-key'), ['input', 'ownerId'], /required/);
      const beyond = await call(CREATE, { input: { name: 'k', ownerId: writer.id, scopes: ['tickets:write'] } }, 'automation-key');
      expect(beyond).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tickets:write'] });
      expect(await tenantState(a.id)).toBe(before);

      const made = await issue(a, { ownerId: reader.id, scopes: ['tickets:read'] }, 'automation-key');
      expect(made.apiKey.owner.id).toBe(reader.id);
      const [event] = (await auditEvents(a.id, made.apiKey.id));
      expect(event).toMatchObject({ action: 'key.created', actorType: 'API_KEY', actorId: automation.keyId });
    } finally {
      t.app.apiKeyAuthenticator = original;
    }
  });

  it("another tenant's group or member is NOT_FOUND", async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const bGroup = await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: b.id, name: 'theirs' } });
    const before = await tenantState(a.id);
    expect(await call(CREATE, { input: { name: 'k', groupId: bGroup.id } }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', resource: 'Group' });
    expect(await call(CREATE, { input: { name: 'k', ownerId: b.owner.id } }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', resource: 'Member' });
    expect(await tenantState(a.id)).toBe(before);
  });

  it('refuses a deactivated owner', async () => {
    const a = await createTenant(t.app);
    const gone = await a.addMember('MEMBER');
    await t.app.db.prisma.member.update({ where: { id: gone.id }, data: { status: 'DEACTIVATED' } });
    expectFieldError(await call(CREATE, { input: { name: 'k', ownerId: gone.id } }, a.owner.token), ['input', 'ownerId'], /deactivated/);
  });

  it('needs keys:write: anonymous is UNAUTHENTICATED, VIEWER and the platform operator FORBIDDEN', async () => {
    const a = await createTenant(t.app);
    const viewer = await a.addMember('VIEWER');
    const before = await tenantState(a.id);
    const anonymous = await t.graphql(CREATE, { input: { name: 'k' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const denied = await t.graphql(CREATE, { input: { name: 'k' } }, { token: viewer.token });
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['keys:write'] });
    const platform = await t.graphql(CREATE, { input: { name: 'k' } }, { token: await platformToken(t.app) });
    expect(platform.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await tenantState(a.id)).toBe(before);
  });

  it('writes a key.created audit event without secret material', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a, { name: 'audited', ipRules: [{ action: 'DENY', cidr: '192.0.2.0/24' }] });
    const [event] = await auditEvents(a.id, apiKey.id);
    expect(event).toMatchObject({ action: 'key.created', targetType: 'ApiKey', actorType: 'MEMBER', actorId: a.owner.id });
    expect(event!.changes).toMatchObject({ publicId: apiKey.publicId, name: 'audited', ipRules: ['DENY 192.0.2.0/24'] });
  });
});

describe('the secret is shown once', () => {
  it('appears in the create and rotate responses and nowhere else: later responses, errors, logs, audit, columns', async () => {
    const a = await createTenant(t.app);
    const bodies: string[] = [];
    const record = async (document: string, variables: Record<string, unknown>) => {
      const response = await t.graphql(document, variables, { token: a.owner.token });
      bodies.push(response.body);
      return response;
    };
    const created = await issue(a, { publicId: 'pk_shown_once' });
    const id = created.apiKey.id;
    const rotated = (await call(ROTATE, { input: { id, gracePeriodSeconds: 60 } }, a.owner.token)) as Result;
    // Each use named: the key text (Bearer), and the OAuth client_id and client_secret.
    for (const issued of [created, rotated]) {
      expect(issued).toMatchObject({ key: issued.secret, clientSecret: issued.secret, clientId: 'pk_shown_once' });
    }

    await record(GET, { id });
    await record(LIST, {});
    await record(UPDATE, { input: { id, name: 'renamed', metadata: { note: 'x' } } });
    await record(DISABLE, { id });
    await record(ENABLE, { id });
    await record(EXPLAIN, { id, ip: '192.0.2.1' });
    await record(`query($id: ID!) { node(id: $id) { ... on ApiKey { ${KEY} } } }`, { id });
    await record(CREATE, { input: { name: 'dup', publicId: 'pk_shown_once' } }); // a CONFLICT
    await record(ROTATE, { input: { id, gracePeriodSeconds: 10 ** 9 } }); // a VALIDATION error
    await record(REVOKE, { input: { id, reason: 'done' } });
    await record(ROTATE, { input: { id } }); // a CONFLICT on a revoked key

    const row = await storedKey(id);
    const secrets = [created.secret, rotated.secret].flatMap((text) => {
      const parsed = parseKey(text);
      return parsed.ok ? [text, parsed.secret] : [text];
    });
    expect(secrets).toHaveLength(4);
    const hashes = [row.secretHash, row.previousSecretHash!];
    const audit = JSON.stringify(await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: a.id } }));
    const { secretHash: _s, previousSecretHash: _p, ...otherColumns } = row;
    const columns = JSON.stringify(otherColumns, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

    for (const value of [...secrets, ...hashes]) {
      for (const body of bodies) expect(body).not.toContain(value);
      expect(t.logs.text()).not.toContain(value);
      expect(audit).not.toContain(value);
      expect(columns).not.toContain(value);
    }
    for (const body of bodies) expect(body).not.toContain('$argon2');
    expect(audit).not.toContain('$argon2');
  });
});

describe('reading keys', () => {
  it('apiKey(id) and node(id) return the key; another tenant gets NOT_FOUND and null', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const { apiKey } = await issue(a, { name: 'readable' });

    expect((await call(GET, { id: apiKey.id }, a.owner.token)).name).toBe('readable');
    const node = await t.graphql(`query($id: ID!) { node(id: $id) { __typename ... on ApiKey { publicId } } }`, { id: apiKey.id }, { token: a.owner.token });
    expect(node.data?.node).toEqual({ __typename: 'ApiKey', publicId: apiKey.publicId });

    const foreign = await t.graphql(GET, { id: apiKey.id }, { token: b.owner.token });
    expect(foreign.data?.apiKey).toBeNull();
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const foreignNode = await t.graphql(`query($id: ID!) { node(id: $id) { id } }`, { id: apiKey.id }, { token: b.owner.token });
    expect(foreignNode.data?.node).toBeNull();
    expect(foreignNode.body).not.toContain(apiKey.publicId);
  });

  it("a cursor naming another tenant's key is NOT_FOUND", async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    await issue(a);
    await issue(b);
    const page = await call(LIST, { first: 1 }, a.owner.token);
    const cursor = page.edges[0].cursor;
    const foreign = await t.graphql(LIST, { first: 1, after: cursor }, { token: b.owner.token });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(foreign.data?.apiKeys ?? null).toBeNull();
  });

  it('pages through the tenant only, oldest first', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await issue(a, { name: `k${i}` })).apiKey.id);
    await issue(b);
    const first = await call(LIST, { first: 2 }, a.owner.token);
    expect(first.edges.map((e: Result) => e.node.id)).toEqual(ids.slice(0, 2));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await call(LIST, { first: 2, after: first.pageInfo.endCursor }, a.owner.token);
    expect(second.edges.map((e: Result) => e.node.id)).toEqual(ids.slice(2));
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by status, group, owner, scope, expiry and text', async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read']);
    const member = await a.addMember('ADMIN');
    const group = await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: a.id, name: 'g' } });
    const plain = (await issue(a, { name: 'Plain', description: 'nothing special' })).apiKey;
    const grouped = (await issue(a, { name: 'Grouped', groupId: group.id, scopes: ['tickets:read'] })).apiKey;
    const owned = (await issue(a, { name: 'Owned', ownerId: member.id, publicId: 'pk_Findable_Id' })).apiKey;
    const soon = (await issue(a, { name: 'Soon', expiresAt: new Date(START + 60_000).toISOString(), description: 'CRM Sync job' })).apiKey;
    const disabled = (await issue(a, { name: 'Off', status: 'DISABLED' })).apiKey;
    const revoked = (await issue(a, { name: 'Gone' })).apiKey;
    await call(REVOKE, { input: { id: revoked.id, reason: 'leaked' } }, a.owner.token);

    const ids = async (filter: Record<string, unknown>) =>
      (await call(LIST, { filter }, a.owner.token)).edges.map((e: Result) => e.node.id).sort();
    const sorted = (...keys: Result[]) => keys.map((k) => k.id).sort();

    expect(await ids({ status: 'ACTIVE' })).toEqual(sorted(plain, grouped, owned, soon));
    expect(await ids({ status: 'DISABLED' })).toEqual(sorted(disabled));
    expect(await ids({ status: 'REVOKED' })).toEqual(sorted(revoked));
    expect(await ids({ status: 'EXPIRED' })).toEqual([]);
    expect(await ids({ groupId: group.id })).toEqual(sorted(grouped));
    expect(await ids({ ownerId: member.id })).toEqual(sorted(owned));
    expect(await ids({ scope: 'tickets:read' })).toEqual(sorted(grouped));
    expect(await ids({ expiringBefore: new Date(START + 120_000).toISOString() })).toEqual(sorted(soon));
    expect(await ids({ search: 'crm sync' })).toEqual(sorted(soon)); // description, any case
    expect(await ids({ search: 'findable' })).toEqual(sorted(owned)); // public id
    expect(await ids({ search: 'grouped', groupId: group.id })).toEqual(sorted(grouped));
  });

  it('keys:read suffices to read; anonymous callers are UNAUTHENTICATED', async () => {
    const a = await createTenant(t.app);
    const viewer = await a.addMember('VIEWER');
    const { apiKey } = await issue(a);
    expect((await call(GET, { id: apiKey.id }, viewer.token)).id).toBe(apiKey.id);
    const anonymous = await t.graphql(LIST, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('expiry follows the clock, to the second, everywhere', () => {
  it('is ACTIVE until expiresAt and EXPIRED from then on, in the status, the filters and explainAccess', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a, { expiresAt: new Date(START + 120_000).toISOString() });
    const view = async () => {
      const [key, expired, active, explained] = await Promise.all([
        call(GET, { id: apiKey.id }, a.owner.token),
        call(LIST, { filter: { status: 'EXPIRED' } }, a.owner.token),
        call(LIST, { filter: { status: 'ACTIVE' } }, a.owner.token),
        call(EXPLAIN, { id: apiKey.id, ip: '192.0.2.1' }, a.owner.token),
      ]);
      return { status: key.status, expired: expired.edges.length, active: active.edges.length, code: explained.code };
    };
    at(119);
    expect(await view()).toEqual({ status: 'ACTIVE', expired: 0, active: 1, code: 'VALID' });
    at(119.999);
    expect(await view()).toEqual({ status: 'ACTIVE', expired: 0, active: 1, code: 'VALID' });
    at(120);
    expect(await view()).toEqual({ status: 'EXPIRED', expired: 1, active: 0, code: 'EXPIRED' });
    at(121);
    expect(await view()).toEqual({ status: 'EXPIRED', expired: 1, active: 0, code: 'EXPIRED' });
  });

  it('a disabled key that expires shows EXPIRED; a revoked one stays REVOKED', async () => {
    const a = await createTenant(t.app);
    const disabled = (await issue(a, { status: 'DISABLED', expiresIn: '1h' })).apiKey;
    const revoked = (await issue(a, { expiresIn: '1h' })).apiKey;
    await call(REVOKE, { input: { id: revoked.id, reason: 'r' } }, a.owner.token);
    at(3600);
    expect((await call(GET, { id: disabled.id }, a.owner.token)).status).toBe('EXPIRED');
    expect((await call(GET, { id: revoked.id }, a.owner.token)).status).toBe('REVOKED');
  });
});

describe('updateKey', () => {
  it('changes the given fields, replaces IP rules, and audits before/after', async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const member = await a.addMember('ADMIN');
    const group = await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: a.id, name: 'g' } });
    const { apiKey } = await issue(a, { name: 'old', contactEmail: 'a@example.com', scopes: ['tickets:read'], ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });

    at(10);
    const updated = await call(UPDATE, {
      input: {
        id: apiKey.id, name: 'new', description: 'd', contactEmail: '', ownerId: member.id, groupId: group.id,
        scopes: ['tickets:write'], endpoints: ['/v2/**'], ipRules: [{ action: 'DENY', cidr: '2001:db8::/32' }],
        expiresIn: '1h', metadata: { v: 2 },
      },
    }, a.owner.token);
    expect(updated.__typename).toBe('ApiKeyPayload');
    expect(updated.apiKey).toMatchObject({
      name: 'new', description: 'd', contactEmail: null, owner: { id: member.id }, group: { id: group.id },
      scopes: ['tickets:write'], effectiveScopes: ['tickets:write'], endpoints: ['/v2/**'], metadata: { v: 2 },
      ipRules: [{ action: 'DENY', cidr: '2001:db8::/32', level: 'KEY' }], expiresAt: new Date(START + 10_000 + 3_600_000).toISOString(),
      publicId: apiKey.publicId, maskedKey: apiKey.maskedKey,
    });
    const [, event] = await auditEvents(a.id, apiKey.id);
    expect(event).toMatchObject({ action: 'key.updated' });
    expect(event!.changes).toMatchObject({
      name: { before: 'old', after: 'new' },
      scopes: { before: ['tickets:read'], after: ['tickets:write'] },
      ipRules: { before: ['ALLOW 10.0.0.0/8'], after: ['DENY 2001:db8::/32'] },
    });

    const cleared = await call(UPDATE, { input: { id: apiKey.id, removeFromGroup: true, neverExpires: true } }, a.owner.token);
    expect(cleared.apiKey).toMatchObject({ group: null, expiresAt: null, name: 'new' });
  });

  it.each([
    ['an empty name', { name: '' }, ['input', 'name']],
    ['a bad email', { contactEmail: 'x@' }, ['input', 'contactEmail']],
    ['a group and removeFromGroup', { groupId: newId('grp'), removeFromGroup: true }, ['input', 'removeFromGroup']],
    ['an expiry and neverExpires', { expiresIn: '1h', neverExpires: true }, ['input', 'neverExpires']],
    ['a bad endpoint', { endpoints: ['/ok', 'FETCH /x'] }, ['input', 'endpoints', '1']],
    ['a bad CIDR', { ipRules: [{ action: 'ALLOW', cidr: '300.1.1.1' }] }, ['input', 'ipRules', '0', 'cidr'], /300\.1\.1\.1/],
    ['an unknown scope', { scopes: ['billing:write'] }, ['input', 'scopes', '0']],
    ['too much metadata', { metadata: { blob: 'é'.repeat(2100) } }, ['input', 'metadata']],
    ['an expiry in the past', { expiresAt: '2000-01-01T00:00:00Z' }, ['input', 'expiresAt']],
  ] as const)('rejects %s and writes nothing', async (_label, input, path, message?) => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a, { ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });
    const before = await tenantState(a.id);
    expectFieldError(await call(UPDATE, { input: { id: apiKey.id, ...input } }, a.owner.token), [...path], message);
    expect(await tenantState(a.id)).toBe(before);
  });

  it("keeps scopes within the (new) owner's role and the caller's reach", async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const admin = await a.addMember('ADMIN');
    const reader = await a.addMember({ roleId: await customRole(a, ['tickets:read']) });
    const { apiKey } = await issue(a, { scopes: ['tickets:write'] });
    const before = await tenantState(a.id);

    // A new owner whose role lacks the key's scopes.
    expectFieldError(await call(UPDATE, { input: { id: apiKey.id, ownerId: reader.id } }, a.owner.token), ['input', 'scopes'], /tickets:write/);
    // Scopes the caller itself lacks.
    const grant = await call(UPDATE, { input: { id: apiKey.id, scopes: ['tenant:admin'] } }, admin.token);
    expect(grant).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    expect(await tenantState(a.id)).toBe(before);

    // Other fields of a more privileged member's key stay editable; naming the same owner is no change.
    expect((await call(UPDATE, { input: { id: apiKey.id, ownerId: a.owner.id, name: 'renamed' } }, admin.token)).__typename).toBe('ApiKeyPayload');
    // Taking the key over is fine; handing it to a member who holds more is not.
    expect((await call(UPDATE, { input: { id: apiKey.id, ownerId: admin.id } }, admin.token)).apiKey.owner.id).toBe(admin.id);
    const handBack = await call(UPDATE, { input: { id: apiKey.id, ownerId: a.owner.id } }, admin.token);
    expect(handBack).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    expect((await storedKey(apiKey.id)).ownerId).toBe(admin.id);
  });

  it("refuses neverExpires when the tenant has a maximum lifetime", async () => {
    const a = await createTenant(t.app);
    await t.app.db.prisma.tenant.update({ where: { id: a.id }, data: { maxKeyLifetimeSeconds: 86_400 } });
    const { apiKey } = await issue(a);
    expectFieldError(await call(UPDATE, { input: { id: apiKey.id, neverExpires: true } }, a.owner.token), ['input', 'neverExpires'], /1 day/);
  });

  it("another tenant's key or group is NOT_FOUND", async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const theirs = (await issue(b)).apiKey;
    const mine = (await issue(a)).apiKey;
    const bGroup = await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: b.id, name: 'theirs' } });
    const [beforeA, beforeB] = [await tenantState(a.id), await tenantState(b.id)];
    expect(await call(UPDATE, { input: { id: theirs.id, name: 'x' } }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', resource: 'ApiKey' });
    expect(await call(UPDATE, { input: { id: mine.id, groupId: bGroup.id } }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', resource: 'Group' });
    expect(await call(UPDATE, { input: { id: mine.id, ownerId: b.owner.id } }, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', resource: 'Member' });
    expect([await tenantState(a.id), await tenantState(b.id)]).toEqual([beforeA, beforeB]);
  });
});

describe('disable, enable, revoke, delete', () => {
  it('disable and enable are reversible and audited', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a);
    expect((await call(DISABLE, { id: apiKey.id }, a.owner.token)).apiKey.status).toBe('DISABLED');
    expect((await call(DISABLE, { id: apiKey.id }, a.owner.token)).apiKey.status).toBe('DISABLED'); // no-op
    expect((await call(ENABLE, { id: apiKey.id }, a.owner.token)).apiKey.status).toBe('ACTIVE');
    expect((await auditEvents(a.id, apiKey.id)).map((e) => e.action)).toEqual(['key.created', 'key.disabled', 'key.enabled']);
  });

  it('revoke is final: the key cannot be enabled, disabled, rotated, updated or revoked again', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a);
    at(42);
    const revoked = (await call(REVOKE, { input: { id: apiKey.id, reason: 'Leaked in a log' } }, a.owner.token)).apiKey;
    expect(revoked).toMatchObject({ status: 'REVOKED', revokedReason: 'Leaked in a log', revokedAt: new Date(START + 42_000).toISOString() });

    const before = await tenantState(a.id);
    for (const [document, variables] of [
      [ENABLE, { id: apiKey.id }],
      [DISABLE, { id: apiKey.id }],
      [ROTATE, { input: { id: apiKey.id, gracePeriodSeconds: 60 } }],
      [UPDATE, { input: { id: apiKey.id, name: 'again' } }],
      [REVOKE, { input: { id: apiKey.id, reason: 'twice' } }],
    ] as const) {
      expect(await call(document, variables, a.owner.token)).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    }
    expect(await tenantState(a.id)).toBe(before);
  });

  it('revoke needs a reason', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a);
    expectFieldError(await call(REVOKE, { input: { id: apiKey.id, reason: ' ' } }, a.owner.token), ['input', 'reason']);
    expect((await storedKey(apiKey.id)).status).toBe('ACTIVE');
  });

  it('delete removes the key and its rules; its audit history stays', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a, { ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });
    expect(await call(DELETE, { id: apiKey.id }, a.owner.token)).toEqual({ __typename: 'DeleteKeyPayload', deletedKeyId: apiKey.id });
    expect(await t.app.db.prisma.apiKey.findUnique({ where: { id: apiKey.id } })).toBeNull();
    expect(await t.app.db.prisma.ipRule.count({ where: { tenantId: a.id } })).toBe(0);
    expect((await auditEvents(a.id, apiKey.id)).map((e) => e.action)).toEqual(['key.created', 'key.deleted']);
    expect((await t.graphql(GET, { id: apiKey.id }, { token: a.owner.token })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it("another tenant's key is NOT_FOUND for every operation, and keys:write is needed", async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const viewer = await b.addMember('VIEWER');
    const theirs = (await issue(b)).apiKey;
    const before = await tenantState(b.id);
    for (const [document, variables] of [
      [DISABLE, { id: theirs.id }],
      [ENABLE, { id: theirs.id }],
      [REVOKE, { input: { id: theirs.id, reason: 'x' } }],
      [DELETE, { id: theirs.id }],
      [ROTATE, { input: { id: theirs.id } }],
    ] as const) {
      expect(await call(document, variables, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      const denied = await t.graphql(document, variables, { token: viewer.token });
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await tenantState(b.id)).toBe(before);
  });
});

describe('rotateKey', () => {
  it('issues a new secret once; the old one works through the grace period, then only the new one', async () => {
    const a = await createTenant(t.app);
    const { apiKey, secret: first } = await issue(a, { publicId: 'pk_rotating' });
    at(5);
    const rotated = await call(ROTATE, { input: { id: apiKey.id, gracePeriodSeconds: 600 } }, a.owner.token);
    expect(rotated.__typename).toBe('RotateKeyPayload');
    const second: string = rotated.secret;
    expect(second).not.toBe(first);
    expect(parseKey(second)).toMatchObject({ ok: true, publicId: 'pk_rotating' });
    expect(rotated.apiKey).toMatchObject({ publicId: 'pk_rotating', maskedKey: `kw_…${second.slice(-4)}`, rotationGraceEndsAt: new Date(START + 605_000).toISOString() });

    const row = await storedKey(apiKey.id);
    expect(row.secretHash.startsWith('$argon2id$')).toBe(true);
    expect(row.previousSecretExpiresAt?.toISOString()).toBe(new Date(START + 605_000).toISOString());

    at(604);
    expect([await secretAccepted(apiKey.id, first), await secretAccepted(apiKey.id, second)]).toEqual([true, true]);
    at(605);
    expect([await secretAccepted(apiKey.id, first), await secretAccepted(apiKey.id, second)]).toEqual([false, true]);
    expect((await call(GET, { id: apiKey.id }, a.owner.token)).rotationGraceEndsAt).toBeNull();
    const event = (await auditEvents(a.id, apiKey.id)).at(-1);
    expect(event).toMatchObject({ action: 'key.rotated' });
    expect(event!.changes).toMatchObject({ gracePeriodSeconds: 600 });
  });

  it('a key keeps the prefix it was issued with when the tenant changes its prefix; rotation takes the new one', async () => {
    const a = await createTenant(t.app);
    const { apiKey, secret: first } = await issue(a);
    expect(first.startsWith('kw_')).toBe(true);
    const renamed = await call(
      'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { __typename ... on TenantPayload { tenant { keyPrefix } } } }',
      { input: { id: a.id, keyPrefix: 'acme' } },
      a.owner.token,
    );
    expect(renamed).toMatchObject({ __typename: 'TenantPayload', tenant: { keyPrefix: 'acme' } });
    expect((await call(GET, { id: apiKey.id }, a.owner.token)).maskedKey).toBe(`kw_…${first.slice(-4)}`);
    expect(await secretAccepted(apiKey.id, first)).toBe(true);

    const rotated = await call(ROTATE, { input: { id: apiKey.id } }, a.owner.token);
    expect(rotated.secret.startsWith('acme_')).toBe(true);
    expect(rotated.apiKey.maskedKey).toBe(`acme_…${rotated.secret.slice(-4)}`);
    expect((await storedKey(apiKey.id)).keyPrefix).toBe('acme');
  });

  it('with no grace the old secret stops at once, and a second rotation ends an earlier grace', async () => {
    const a = await createTenant(t.app);
    const { apiKey, secret: first } = await issue(a);
    const second = (await call(ROTATE, { input: { id: apiKey.id, gracePeriodSeconds: 300 } }, a.owner.token)).secret;
    const third = (await call(ROTATE, { input: { id: apiKey.id } }, a.owner.token)).secret;
    const row = await storedKey(apiKey.id);
    expect([row.previousSecretHash, row.previousSecretExpiresAt]).toEqual([null, null]);
    expect(await Promise.all([first, second, third].map((s) => secretAccepted(apiKey.id, s)))).toEqual([false, false, true]);
  });

  it.each([[-1], [604_801], [1.5]])('rejects a grace period of %s seconds and writes nothing', async (grace) => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a);
    const before = await tenantState(a.id);
    const result = await t.graphql(ROTATE, { input: { id: apiKey.id, gracePeriodSeconds: grace } }, { token: a.owner.token });
    if (Number.isInteger(grace)) expectFieldError((result.data as Result).rotateKey, ['input', 'gracePeriodSeconds']);
    else expect(result.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST'); // not an Int: GraphQL refuses it
    expect(await tenantState(a.id)).toBe(before);
  });

  it("a caller cannot obtain a credential for a key holding scopes the caller lacks", async () => {
    const a = await createTenant(t.app);
    const admin = await a.addMember('ADMIN');
    const { apiKey } = await issue(a, { scopes: ['tenant:admin', 'keys:read'] });
    const before = await tenantState(a.id);
    const result = await call(ROTATE, { input: { id: apiKey.id } }, admin.token);
    expect(result).toMatchObject({ __typename: 'ForbiddenError', missingScopes: ['tenant:admin'] });
    expect(JSON.stringify(result)).not.toContain('secret');
    expect(await tenantState(a.id)).toBe(before);
  });
});

describe('effective scopes', () => {
  it("shrink at once when the owner is demoted, and follow the group's limit", async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read', 'tickets:write']);
    const agent = await a.addMember({ roleId: await customRole(a, ['tickets:read', 'tickets:write']) });
    const group = await t.app.db.prisma.group.create({ data: { id: newId('grp'), tenantId: a.id, name: 'limited' } });
    const { apiKey } = await issue(a, { ownerId: agent.id, groupId: group.id, scopes: ['tickets:read', 'tickets:write'] });
    expect((await call(GET, { id: apiKey.id }, a.owner.token)).effectiveScopes).toEqual(['tickets:read', 'tickets:write']);

    await t.app.db.prisma.member.update({ where: { id: agent.id }, data: { roleId: await customRole(a, ['tickets:read']) } });
    const demoted = await call(GET, { id: apiKey.id }, a.owner.token);
    expect(demoted).toMatchObject({ scopes: ['tickets:read', 'tickets:write'], effectiveScopes: ['tickets:read'] });
    const explained = await call(EXPLAIN, { id: apiKey.id, ip: '192.0.2.1', scopes: ['tickets:write'] }, a.owner.token);
    expect(explained).toMatchObject({ code: 'INSUFFICIENT_SCOPES', missingScopes: ['tickets:write'], effectiveScopes: ['tickets:read'] });

    await t.app.db.prisma.member.update({ where: { id: agent.id }, data: { roleId: a.roles.ADMIN } });
    await t.app.db.prisma.group.update({ where: { id: group.id }, data: { limitsScopes: true, scopeLimit: ['tickets:write'] } });
    expect((await call(GET, { id: apiKey.id }, a.owner.token)).effectiveScopes).toEqual(['tickets:write']);

    await t.app.db.prisma.member.update({ where: { id: agent.id }, data: { roleId: a.roles.VIEWER } });
    expect((await call(GET, { id: apiKey.id }, a.owner.token)).effectiveScopes).toEqual([]);
  });
});

describe('bulkUpdateKeys', () => {
  it('disables named keys in one go, one audit event per key plus one for the request', async () => {
    const a = await createTenant(t.app);
    const keys = await Promise.all([1, 2, 3].map((i) => issue(a, { name: `bulk ${i}` })));
    const ids = keys.map((k) => k.apiKey.id);
    const auditBefore = (await auditEvents(a.id)).length;
    const result = await call(BULK, { input: { ids, action: 'DISABLE' } }, a.owner.token);
    expect(result).toMatchObject({ __typename: 'BulkUpdateKeysPayload', count: 3 });
    expect([...result.keyIds].sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await storedKey(id)).status).toBe('DISABLED');
    const events = (await auditEvents(a.id)).slice(auditBefore);
    expect(events.map((e) => e.action).sort()).toEqual(['key.disabled', 'key.disabled', 'key.disabled', 'keys.bulkUpdated']);
    expect(events.find((e) => e.action === 'keys.bulkUpdated')!.changes).toMatchObject({ action: 'DISABLE', count: 3 });
  });

  it('is all or nothing: one id outside the tenant (or nowhere) changes nothing', async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const mine = await Promise.all([1, 2].map(() => issue(a)));
    const theirs = (await issue(b)).apiKey;
    const [beforeA, beforeB] = [await tenantState(a.id), await tenantState(b.id)];
    for (const stranger of [theirs.id, newId('key')]) {
      const result = await call(BULK, { input: { ids: [...mine.map((k) => k.apiKey.id), stranger], action: 'REVOKE', reason: 'cleanup' } }, a.owner.token);
      expect(result).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      expect(result.message).toContain(stranger);
    }
    expect([await tenantState(a.id), await tenantState(b.id)]).toEqual([beforeA, beforeB]);
  });

  it('revokes by filter, passing over keys already revoked', async () => {
    const a = await createTenant(t.app);
    const batch = await Promise.all([1, 2].map((i) => issue(a, { name: `nightly batch ${i}` })));
    const other = (await issue(a, { name: 'interactive' })).apiKey;
    const gone = (await issue(a, { name: 'old batch' })).apiKey;
    await call(REVOKE, { input: { id: gone.id, reason: 'earlier' } }, a.owner.token);
    const result = await call(BULK, { input: { filter: { search: 'batch' }, action: 'REVOKE', reason: 'batch retired' } }, a.owner.token);
    expect(result.count).toBe(2);
    for (const { apiKey } of batch) expect(await storedKey(apiKey.id)).toMatchObject({ status: 'REVOKED', revokedReason: 'batch retired' });
    expect((await storedKey(other.id)).status).toBe('ACTIVE');
    expect((await storedKey(gone.id)).revokedReason).toBe('earlier');
  });

  it('disables expired keys by the EXPIRED filter at the clock', async () => {
    const a = await createTenant(t.app);
    const short = (await issue(a, { expiresAt: new Date(START + 60_000).toISOString() })).apiKey;
    const long = (await issue(a, { expiresIn: '1d' })).apiKey;
    expect((await call(BULK, { input: { filter: { status: 'EXPIRED' }, action: 'DISABLE' } }, a.owner.token)).count).toBe(0);
    at(60);
    expect((await call(BULK, { input: { filter: { status: 'EXPIRED' }, action: 'DISABLE' } }, a.owner.token)).keyIds).toEqual([short.id]);
    expect((await storedKey(long.id)).status).toBe('ACTIVE');
  });

  it('refuses to enable a named revoked key, and changes nothing', async () => {
    const a = await createTenant(t.app);
    const off = (await issue(a, { status: 'DISABLED' })).apiKey;
    const revoked = (await issue(a)).apiKey;
    await call(REVOKE, { input: { id: revoked.id, reason: 'x' } }, a.owner.token);
    const before = await tenantState(a.id);
    const result = await call(BULK, { input: { ids: [off.id, revoked.id], action: 'ENABLE' } }, a.owner.token);
    expect(result).toMatchObject({ __typename: 'ConflictError', field: 'ids' });
    expect(await tenantState(a.id)).toBe(before);
  });

  it.each([
    ['neither ids nor filter', { action: 'DISABLE' }, ['input', 'ids']],
    ['both ids and filter', { ids: [newId('key')], filter: { search: 'x' }, action: 'DISABLE' }, ['input', 'ids']],
    ['an empty filter', { filter: {}, action: 'DISABLE' }, ['input', 'filter']],
    ['an empty id list', { ids: [], action: 'DISABLE' }, ['input', 'ids']],
    ['a revoke without reason', { filter: { search: 'x' }, action: 'REVOKE' }, ['input', 'reason']],
  ] as const)('rejects %s', async (_label, input, path) => {
    const a = await createTenant(t.app);
    await issue(a, { name: 'x' });
    const before = await tenantState(a.id);
    expectFieldError(await call(BULK, { input }, a.owner.token), [...path]);
    expect(await tenantState(a.id)).toBe(before);
  });
});
