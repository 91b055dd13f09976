import { describe, expect, it } from 'vitest';
import { createTenant } from '../../harness/fixtures.ts';
import { newId } from '../../../src/domain/ids.ts';
import { parseKey } from '@keywarden/sdk/key-format';
import type { BulkUpdateKeysInput } from '@keywarden/sdk/graphql';
import { typedDocument } from '../../harness/operation.ts';
import {
  BULK, DELETE, DISABLE, ENABLE, GET, REVOKE, ROTATE, START, UPDATE, at, auditEvents, call, callFor, expectFieldError, expectTypename, issue,
  operation, secretAccepted, storedKey, t, tenantState, useKeysApp,
} from './support.ts';

useKeysApp();

describe('disable, enable, revoke, delete', () => {
  it('disable and enable are reversible and audited', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a);
    expect((await callFor(DISABLE, { id: apiKey.id }, a.owner.token, 'ApiKeyPayload')).apiKey.status).toBe('DISABLED');
    expect((await callFor(DISABLE, { id: apiKey.id }, a.owner.token, 'ApiKeyPayload')).apiKey.status).toBe('DISABLED'); // no-op
    expect((await callFor(ENABLE, { id: apiKey.id }, a.owner.token, 'ApiKeyPayload')).apiKey.status).toBe('ACTIVE');
    expect((await auditEvents(a.id, apiKey.id)).map((e) => e.action)).toEqual(['key.created', 'key.disabled', 'key.enabled']);
  });

  it('revoke is final: the key cannot be enabled, disabled, rotated, updated or revoked again', async () => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a);
    at(42);
    const revoked = (await callFor(REVOKE, { input: { id: apiKey.id, reason: 'Leaked in a log' } }, a.owner.token, 'ApiKeyPayload')).apiKey;
    expect(revoked).toMatchObject({ status: 'REVOKED', revokedReason: 'Leaked in a log', revokedAt: new Date(START + 42_000).toISOString() });

    const before = await tenantState(a.id);
    for (const { document, variables } of [
      operation(ENABLE, { id: apiKey.id }),
      operation(DISABLE, { id: apiKey.id }),
      operation(ROTATE, { input: { id: apiKey.id, gracePeriodSeconds: 60 } }),
      operation(UPDATE, { input: { id: apiKey.id, name: 'again' } }),
      operation(REVOKE, { input: { id: apiKey.id, reason: 'twice' } }),
    ]) {
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
    expect((await t.executeOperation(GET, { id: apiKey.id }, { token: a.owner.token })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it("another tenant's key is NOT_FOUND for every operation, and keys:write is needed", async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const viewer = await b.addMember('VIEWER');
    const theirs = (await issue(b)).apiKey;
    const before = await tenantState(b.id);
    for (const { document, variables } of [
      operation(DISABLE, { id: theirs.id }),
      operation(ENABLE, { id: theirs.id }),
      operation(REVOKE, { input: { id: theirs.id, reason: 'x' } }),
      operation(DELETE, { id: theirs.id }),
      operation(ROTATE, { input: { id: theirs.id } }),
    ]) {
      expect(await call(document, variables, a.owner.token)).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      const denied = await t.executeOperation(document, variables, { token: viewer.token });
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
    expectTypename(rotated, 'RotateKeyPayload');
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
    expect((await call(GET, { id: apiKey.id }, a.owner.token))?.rotationGraceEndsAt).toBeNull();
    const event = (await auditEvents(a.id, apiKey.id)).at(-1);
    expect(event).toMatchObject({ action: 'key.rotated' });
    expect(event!.changes).toMatchObject({ gracePeriodSeconds: 600 });
  });

  it('a key keeps the prefix it was issued with when the tenant changes its prefix; rotation takes the new one', async () => {
    const a = await createTenant(t.app);
    const { apiKey, secret: first } = await issue(a);
    expect(first.startsWith('kw_')).toBe(true);
    const renamed = await call(
      typedDocument<{ updateTenant: { __typename: string; tenant?: { keyPrefix: string } } }, { input: { id: string; keyPrefix: string } }>(
        'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { __typename ... on TenantPayload { tenant { keyPrefix } } } }'),
      { input: { id: a.id, keyPrefix: 'acme' } },
      a.owner.token,
    );
    expect(renamed).toMatchObject({ __typename: 'TenantPayload', tenant: { keyPrefix: 'acme' } });
    expect((await call(GET, { id: apiKey.id }, a.owner.token))?.maskedKey).toBe(`kw_…${first.slice(-4)}`);
    expect(await secretAccepted(apiKey.id, first)).toBe(true);

    const rotated = await callFor(ROTATE, { input: { id: apiKey.id } }, a.owner.token, 'RotateKeyPayload');
    expect(rotated.secret.startsWith('acme_')).toBe(true);
    expect(rotated.apiKey.maskedKey).toBe(`acme_…${rotated.secret.slice(-4)}`);
    expect((await storedKey(apiKey.id)).keyPrefix).toBe('acme');
  });

  it('with no grace the old secret stops at once, and a second rotation ends an earlier grace', async () => {
    const a = await createTenant(t.app);
    const { apiKey, secret: first } = await issue(a);
    const second = (await callFor(ROTATE, { input: { id: apiKey.id, gracePeriodSeconds: 300 } }, a.owner.token, 'RotateKeyPayload')).secret;
    const third = (await callFor(ROTATE, { input: { id: apiKey.id } }, a.owner.token, 'RotateKeyPayload')).secret;
    const row = await storedKey(apiKey.id);
    expect([row.previousSecretHash, row.previousSecretExpiresAt]).toEqual([null, null]);
    expect(await Promise.all([first, second, third].map((s) => secretAccepted(apiKey.id, s)))).toEqual([false, false, true]);
  });

  it.each([[-1], [604_801], [1.5]])('rejects a grace period of %s seconds and writes nothing', async (grace) => {
    const a = await createTenant(t.app);
    const { apiKey } = await issue(a);
    const before = await tenantState(a.id);
    const result = await t.executeOperation(ROTATE, { input: { id: apiKey.id, gracePeriodSeconds: grace } }, { token: a.owner.token });
    if (Number.isInteger(grace)) expectFieldError(result.data?.rotateKey, ['input', 'gracePeriodSeconds']);
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

describe('bulkUpdateKeys', () => {
  it('disables named keys in one go, one audit event per key plus one for the request', async () => {
    const a = await createTenant(t.app);
    const keys = await Promise.all([1, 2, 3].map((i) => issue(a, { name: `bulk ${i}` })));
    const ids = keys.map((k) => k.apiKey.id);
    const auditBefore = (await auditEvents(a.id)).length;
    const result = await callFor(BULK, { input: { ids, action: 'DISABLE' } }, a.owner.token, 'BulkUpdateKeysPayload');
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
      const result = await callFor(BULK, { input: { ids: [...mine.map((k) => k.apiKey.id), stranger], action: 'REVOKE', reason: 'cleanup' } }, a.owner.token, 'NotFoundError');
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
    const result = await callFor(BULK, { input: { filter: { search: 'batch' }, action: 'REVOKE', reason: 'batch retired' } }, a.owner.token, 'BulkUpdateKeysPayload');
    expect(result.count).toBe(2);
    for (const { apiKey } of batch) expect(await storedKey(apiKey.id)).toMatchObject({ status: 'REVOKED', revokedReason: 'batch retired' });
    expect((await storedKey(other.id)).status).toBe('ACTIVE');
    expect((await storedKey(gone.id)).revokedReason).toBe('earlier');
  });

  it('disables expired keys by the EXPIRED filter at the clock', async () => {
    const a = await createTenant(t.app);
    const short = (await issue(a, { expiresAt: new Date(START + 60_000).toISOString() })).apiKey;
    const long = (await issue(a, { expiresIn: '1d' })).apiKey;
    expect((await callFor(BULK, { input: { filter: { status: 'EXPIRED' }, action: 'DISABLE' } }, a.owner.token, 'BulkUpdateKeysPayload')).count).toBe(0);
    at(60);
    expect((await callFor(BULK, { input: { filter: { status: 'EXPIRED' }, action: 'DISABLE' } }, a.owner.token, 'BulkUpdateKeysPayload')).keyIds).toEqual([short.id]);
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

  it.each<[string, BulkUpdateKeysInput, string[]]>([
    ['neither ids nor filter', { action: 'DISABLE' }, ['input', 'ids']],
    ['both ids and filter', { ids: [newId('key')], filter: { search: 'x' }, action: 'DISABLE' }, ['input', 'ids']],
    ['an empty filter', { filter: {}, action: 'DISABLE' }, ['input', 'filter']],
    ['an empty id list', { ids: [], action: 'DISABLE' }, ['input', 'ids']],
    ['a revoke without reason', { filter: { search: 'x' }, action: 'REVOKE' }, ['input', 'reason']],
  ])('rejects %s', async (_label, input, path) => {
    const a = await createTenant(t.app);
    await issue(a, { name: 'x' });
    const before = await tenantState(a.id);
    expectFieldError(await call(BULK, { input }, a.owner.token), path);
    expect(await tenantState(a.id)).toBe(before);
  });
});
