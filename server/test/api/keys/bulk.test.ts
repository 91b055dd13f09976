import { describe, expect, it } from 'vitest';
import { createTenant } from '../../harness/fixtures.ts';
import { newId } from '../../../src/domain/ids.ts';
import { typedDocument } from '../../harness/operation.ts';
import type { CreateKeyInput, RotateKeyInput } from '@keywarden/sdk/graphql';
import {
  ERRORS, KEY, addScopes, auditEvents, call, expectFieldError, expectTypename, issue, secretAccepted, t, tenantState, useKeysApp,
  type Failure, type Key, type Outcome,
} from './support.ts';

useKeysApp();

type Issued = { key: string; clientId: string; apiKey: Key };
type Item<F extends string> = { index: number; error: Failure | null } & { [K in F]: Issued | null };
type Bulk<F extends string> = { results: Item<F>[]; succeeded: number; failed: number };

const ISSUED = `key clientId apiKey { ${KEY} }`;
const CREATE_KEYS = typedDocument<
  { createKeys: Outcome<'CreateKeysPayload', Bulk<'created'>> },
  { input: { items: CreateKeyInput[]; atomic?: boolean | null } }
>(`mutation($input: CreateKeysInput!) { createKeys(input: $input) { __typename
  ... on CreateKeysPayload { succeeded failed results { index created { ${ISSUED} } error { __typename ${ERRORS} } } } ${ERRORS} } }`);
const ROTATE_KEYS = typedDocument<
  { rotateKeys: Outcome<'RotateKeysPayload', Bulk<'rotated'>> },
  { input: { items: RotateKeyInput[]; atomic?: boolean | null } }
>(`mutation($input: RotateKeysInput!) { rotateKeys(input: $input) { __typename
  ... on RotateKeysPayload { succeeded failed results { index rotated { ${ISSUED} } error { __typename ${ERRORS} } } } ${ERRORS} } }`);

const names = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `bulk-${i}` }));

describe('createKeys', () => {
  it('issues every item, each with its secret once and its own audit event that holds no secret', async () => {
    const a = await createTenant(t.app);
    await addScopes(a, ['tickets:read']);
    const result = await call(CREATE_KEYS, { input: { items: [{ name: 'one', scopes: ['tickets:read'] }, { name: 'two', publicId: 'pk_bulk-two' }, { name: 'three' }] } }, a.owner.token);
    expectTypename(result, 'CreateKeysPayload');
    expect(result).toMatchObject({ succeeded: 3, failed: 0 });
    expect(result.results.map((r) => [r.index, r.created?.apiKey.name, r.error])).toEqual([[0, 'one', null], [1, 'two', null], [2, 'three', null]]);
    expect(result.results[0]!.created!.apiKey.scopes).toEqual(['tickets:read']);
    expect(result.results[1]!.created!.apiKey.publicId).toBe('pk_bulk-two');
    for (const r of result.results) expect(await secretAccepted(r.created!.apiKey.id, r.created!.key)).toBe(true);

    const events = await auditEvents(a.id);
    const created = events.filter((e) => e.action === 'key.created');
    expect(created.map((e) => e.targetId)).toEqual(result.results.map((r) => r.created!.apiKey.id));
    const stored = JSON.stringify(events);
    for (const r of result.results) expect(stored).not.toContain(r.created!.key.slice(-20));
    const logs = t.logs.text();
    for (const r of result.results) expect(logs).not.toContain(r.created!.key.slice(-20));
  });

  it('atomic (the default): one bad item refuses the call, named by its index, and nothing is written', async () => {
    const a = await createTenant(t.app);
    const before = await tenantState(a.id);
    const invalid = await call(CREATE_KEYS, { input: { items: [{ name: 'fine' }, { name: 'x', contactEmail: 'not-an-email' }] } }, a.owner.token);
    expectFieldError(invalid, ['input', 'items', '1', 'contactEmail']);
    const unknownScope = await call(CREATE_KEYS, { input: { items: [{ name: 'fine' }, { name: 'fine too' }, { name: 'x', scopes: ['nope:nope'] }] } }, a.owner.token);
    expectFieldError(unknownScope, ['input', 'items', '2', 'scopes', '0']);
    await issue(a, { publicId: 'pk_taken-one' });
    const mid = await tenantState(a.id);
    const taken = await call(CREATE_KEYS, { input: { atomic: true, items: [{ name: 'fine' }, { name: 'x', publicId: 'pk_taken-one' }] } }, a.owner.token);
    expect(taken).toMatchObject({ __typename: 'ConflictError', field: 'publicId', message: expect.stringMatching(/^items\.1: /) });
    expect(await tenantState(a.id)).toBe(mid);
    expect(before).not.toBe(mid);
  });

  it('not atomic: each item on its own, errors in their places, the rest kept', async () => {
    const a = await createTenant(t.app);
    await issue(a, { publicId: 'pk_taken-two' });
    const result = await call(CREATE_KEYS, {
      input: { atomic: false, items: [{ name: 'kept' }, { name: '' }, { name: 'dup', publicId: 'pk_taken-two' }, { name: 'x', groupId: newId('grp') }, { name: 'kept too' }] },
    }, a.owner.token);
    expectTypename(result, 'CreateKeysPayload');
    expect(result).toMatchObject({ succeeded: 2, failed: 3 });
    expect(result.results.map((r) => r.error?.__typename ?? r.created!.apiKey.name)).toEqual(['kept', 'ValidationError', 'ConflictError', 'NotFoundError', 'kept too']);
    expectFieldError(result.results[1]!.error, ['input', 'items', '1', 'name']);
    const keys = await t.app.db.prisma.apiKey.findMany({ where: { tenantId: a.id }, orderBy: { createdAt: 'asc' } });
    expect(keys.map((k) => k.name).sort()).toEqual(['kept', 'kept too', 'key']);
    expect((await auditEvents(a.id)).filter((e) => e.action === 'key.created')).toHaveLength(3);
  });

  it('takes 1 to 1,000 items', async () => {
    const a = await createTenant(t.app);
    const before = await tenantState(a.id);
    expectFieldError(await call(CREATE_KEYS, { input: { items: [] } }, a.owner.token), ['input', 'items'], /at least one/);
    expectFieldError(await call(CREATE_KEYS, { input: { items: names(1001) } }, a.owner.token), ['input', 'items'], /at most 1000/);
    expect(await tenantState(a.id)).toBe(before);
  });

  it('one argon2-costing field per operation: two bulk calls, or one with login, are refused before running', async () => {
    const a = await createTenant(t.app);
    const before = await tenantState(a.id);
    const twice = await t.graphql(`mutation { a: createKeys(input: { items: [{ name: "a" }] }) { __typename } b: rotateKeys(input: { items: [{ id: "key_x" }] }) { __typename } }`, {}, { token: a.owner.token });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', limit: 'oneArgon2FieldPerOperation' });
    expect(await tenantState(a.id)).toBe(before);
  });

  it('needs keys:write; an API-key caller names the owner', async () => {
    const a = await createTenant(t.app);
    const viewer = await a.addMember('VIEWER');
    const refused = await t.executeOperation(CREATE_KEYS, { input: { items: [{ name: 'x' }] } }, { token: viewer.token });
    expect(JSON.stringify(refused.errors ?? refused.data)).toMatch(/FORBIDDEN/);
  });
});

describe('rotateKeys', () => {
  it('rotates each key: new secrets work, old ones stop, one key.rotated event each', async () => {
    const a = await createTenant(t.app);
    const one = await issue(a);
    const two = await issue(a);
    const result = await call(ROTATE_KEYS, { input: { items: [{ id: one.apiKey.id }, { id: two.apiKey.id, gracePeriodSeconds: 60 }] } }, a.owner.token);
    expectTypename(result, 'RotateKeysPayload');
    expect(result).toMatchObject({ succeeded: 2, failed: 0 });
    const [r1, r2] = result.results.map((r) => r.rotated!);
    expect(r1!.apiKey.publicId).toBe(one.apiKey.publicId);
    expect(await secretAccepted(one.apiKey.id, r1!.key)).toBe(true);
    expect(await secretAccepted(one.apiKey.id, one.key)).toBe(false);
    expect(await secretAccepted(two.apiKey.id, two.key)).toBe(true); // in its grace period
    expect(r2!.apiKey.rotationGraceEndsAt).not.toBeNull();
    const rotated = (await auditEvents(a.id)).filter((e) => e.action === 'key.rotated');
    expect(rotated.map((e) => e.targetId)).toEqual([one.apiKey.id, two.apiKey.id]);
    expect(JSON.stringify(rotated)).not.toContain(r1!.key.slice(-20));
  });

  it("another tenant's key is NOT_FOUND: atomic refuses all, otherwise in its place", async () => {
    const a = await createTenant(t.app);
    const b = await createTenant(t.app);
    const mine = await issue(a);
    const theirs = await issue(b);
    const before = [await tenantState(a.id), await tenantState(b.id)];
    const atomic = await call(ROTATE_KEYS, { input: { items: [{ id: mine.apiKey.id }, { id: theirs.apiKey.id }] } }, a.owner.token);
    expect(atomic).toMatchObject({ __typename: 'NotFoundError', resource: 'ApiKey', message: expect.stringMatching(/^items\.1: /) });
    expect([await tenantState(a.id), await tenantState(b.id)]).toEqual(before);

    const each = await call(ROTATE_KEYS, { input: { atomic: false, items: [{ id: mine.apiKey.id }, { id: theirs.apiKey.id }] } }, a.owner.token);
    expectTypename(each, 'RotateKeysPayload');
    expect(each.results.map((r) => r.error?.__typename ?? 'rotated')).toEqual(['rotated', 'NotFoundError']);
    expect(await tenantState(b.id)).toBe(before[1]);
    expect(await secretAccepted(theirs.apiKey.id, theirs.key)).toBe(true);
  });

  it('refuses a key named twice, no items, 1,001 items and a bad grace', async () => {
    const a = await createTenant(t.app);
    const one = await issue(a);
    const before = await tenantState(a.id);
    expectFieldError(await call(ROTATE_KEYS, { input: { items: [{ id: one.apiKey.id }, { id: one.apiKey.id }] } }, a.owner.token), ['input', 'items'], /more than once/);
    expectFieldError(await call(ROTATE_KEYS, { input: { items: [] } }, a.owner.token), ['input', 'items']);
    const many = Array.from({ length: 1001 }, () => ({ id: one.apiKey.id }));
    expectFieldError(await call(ROTATE_KEYS, { input: { items: many } }, a.owner.token), ['input', 'items'], /at most 1000/);
    expectFieldError(await call(ROTATE_KEYS, { input: { items: [{ id: one.apiKey.id, gracePeriodSeconds: -1 }] } }, a.owner.token), ['input', 'items', '0', 'gracePeriodSeconds']);
    expect(await tenantState(a.id)).toBe(before);
  });
});
