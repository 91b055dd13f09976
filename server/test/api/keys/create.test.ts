import { describe, expect, it } from 'vitest';
import { createTenant, platformToken } from '../../harness/fixtures.ts';
import type { Caller } from '../../../src/context.ts';
import { newId } from '../../../src/domain/ids.ts';
import { parseKey } from '@keywarden/sdk/key-format';
import { scopeSet } from '../../../src/domain/scopes.ts';
import { verifySecret } from '../../../src/domain/secrets.ts';
import type { CreateKeyInput } from '@keywarden/sdk/graphql';
import { typedDocument, type TypedDocumentNode } from '../../harness/operation.ts';
import {
  CREATE, DISABLE, ENABLE, EXPLAIN, GET, KEY, LIST, REVOKE, ROTATE, START, UPDATE, addScopes, at, auditEvents, call, customRole,
  expectFieldError, expectTypename, issue, storedKey, t, tenantState, useKeysApp, type Key,
} from './support.ts';

useKeysApp();

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

  it.each<[string, Partial<CreateKeyInput>, string[], RegExp?]>([
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
  ])('rejects %s with a field error and writes nothing', async (_label, input, path, message?) => {
    const a = await createTenant(t.app);
    const before = await tenantState(a.id);
    const result = await call(CREATE, { input: { name: 'k', ...input } }, a.owner.token);
    expectFieldError(result, path, message);
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
    const anonymous = await t.executeOperation(CREATE, { input: { name: 'k' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const denied = await t.executeOperation(CREATE, { input: { name: 'k' } }, { token: viewer.token });
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['keys:write'] });
    const platform = await t.executeOperation(CREATE, { input: { name: 'k' } }, { token: await platformToken(t.app) });
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
    const record = async <R, V>(document: TypedDocumentNode<R, V>, variables: V) => {
      const response = await t.executeOperation(document, variables, { token: a.owner.token });
      bodies.push(response.body);
      return response;
    };
    const created = await issue(a, { publicId: 'pk_shown_once' });
    const id = created.apiKey.id;
    const rotated = await call(ROTATE, { input: { id, gracePeriodSeconds: 60 } }, a.owner.token);
    expectTypename(rotated, 'RotateKeyPayload');
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
    await record(typedDocument<{ node: Partial<Key> | null }, { id: string }>(`query($id: ID!) { node(id: $id) { ... on ApiKey { ${KEY} } } }`), { id });
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
