// The types' promises at run time, against a real server: Dates in every result and accepted in
// inputs, expiresIn durations, ids checked by prefix, one credential, the request id on every
// result and error, and a custom operation through `@keywarden/sdk/graphql`. (What must not
// compile is in typeSafety.types.ts.)
import { afterAll, beforeAll, expect, test } from 'vitest';
import { asId, createClient, isId, meta, ValidationError, type KeywardenClient } from '../src/index.ts';
import { graphql, schema, schemaSDL } from '../src/graphql.ts';
import { startLiveServer, type LiveServer, type TestTenant } from './helpers/liveServer.ts';

let live: LiveServer;
let tenant: TestTenant;
let owner: KeywardenClient;

beforeAll(async () => {
  live = await startLiveServer();
  tenant = await live.createTenant('Types');
  owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
});
afterAll(async () => {
  await live?.close();
});

test('times are Dates in results (GraphQL, REST verify, pages, audit export) and Dates are accepted in inputs', async () => {
  const expiresAt = new Date(Date.now() + 2 * 86_400_000);
  const { apiKey, key } = await owner.keys.create({ name: 'dated', expiresAt });
  expect(apiKey.createdAt).toBeInstanceOf(Date);
  expect(apiKey.expiresAt).toBeInstanceOf(Date);
  expect(apiKey.expiresAt!.getTime()).toBe(Math.floor(expiresAt.getTime() / 1000) * 1000);
  expect((await owner.keys.get(apiKey.id)).updatedAt).toBeInstanceOf(Date);
  const [listed] = await owner.keys.list().toArray();
  expect(listed!.createdAt).toBeInstanceOf(Date);

  const verifier = createClient({ url: live.url, apiKey: (await owner.keys.create({ name: 'verifier', scopes: ['keys:verify'] })).key });
  for (const via of ['rest', 'graphql'] as const) {
    const verdict = await verifier.verify({ key }, { via });
    expect(verdict.valid, via).toBe(true);
    expect(verdict.expiresAt, via).toBeInstanceOf(Date);
    if (verdict.valid) expect(verdict.keyId, via).toBe(apiKey.id);
  }

  let exported = 0;
  for await (const event of owner.audit.export()) {
    expect(event.createdAt).toBeInstanceOf(Date);
    exported++;
  }
  expect(exported).toBeGreaterThan(0);
  expect((await owner.audit.list().toArray())[0]!.createdAt).toBeInstanceOf(Date);
});

test('expiresIn: a preset as is, a duration as expiresAt (now + the duration); a duration with expiresAt is refused before sending', async () => {
  const before = Date.now();
  const preset = await owner.keys.create({ name: 'preset', expiresIn: '1d' });
  expect(preset.apiKey.expiresAt!.getTime() - before).toBeGreaterThan(86_400_000 - 5_000);
  expect(preset.apiKey.expiresAt!.getTime() - before).toBeLessThanOrEqual(86_400_000 + 5_000);

  const thirty = await owner.keys.create({ name: 'thirty days', expiresIn: { days: 30 } });
  const lifetime = thirty.apiKey.expiresAt!.getTime() - before;
  expect(lifetime).toBeGreaterThan(30 * 86_400_000 - 5_000);
  expect(lifetime).toBeLessThanOrEqual(30 * 86_400_000 + 5_000);

  const updated = await owner.keys.update({ id: thirty.apiKey.id, expiresIn: { hours: 2, minutes: 30 } });
  expect(updated.expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(9_000_000 + 1_000);
  expect(updated.expiresAt!.getTime() - before).toBeGreaterThan(9_000_000 - 5_000);

  await expect(owner.keys.create({ name: 'both', expiresIn: { days: 1 }, expiresAt: new Date(Date.now() + 60_000) })).rejects.toThrow(TypeError);
  await expect(owner.keys.create({ name: 'zero', expiresIn: {} })).rejects.toThrow(TypeError);
  // A wrong preset smuggled past the types is the server's ValidationError.
  await expect(owner.keys.create({ name: 'bad', expiresIn: '30d' as '1d' })).rejects.toBeInstanceOf(ValidationError);
});

test('ids carry their prefix: asId checks it, and results hold the prefixed ids their types promise', async () => {
  const group = await owner.groups.create({ name: 'typed' });
  expect(isId('grp', group.id)).toBe(true);
  expect(isId('key', group.id)).toBe(false);
  expect(asId('grp', group.id)).toBe(group.id);
  expect(() => asId('key', group.id)).toThrow(TypeError);
  expect(() => asId('key', 'key_short')).toThrow(TypeError);
  const { apiKey } = await owner.keys.create({ name: 'grouped', groupId: group.id });
  expect(isId('key', apiKey.id)).toBe(true);
  expect(isId('mem', asId('mem', tenant.owner.id))).toBe(true);
});

test('one credential at a time: two given still throw at run time (for JavaScript callers)', () => {
  const options = { url: live.url, sessionToken: tenant.owner.token, platformToken: live.platformToken } as unknown as Parameters<typeof createClient>[0];
  expect(() => createClient(options)).toThrow(/Give one credential, not sessionToken and platformToken/);
});

test('every result and error names its request: meta() on success, status and requestId on a payload error', async () => {
  const created = await owner.keys.create({ name: 'metered request' });
  const createdMeta = meta(created);
  expect(createdMeta).toMatchObject({ requestId: expect.stringMatching(/\S/), status: 200, operation: 'CreateKey' });
  expect(meta(created.apiKey)).toEqual(createdMeta);
  const got = await owner.keys.get(created.apiKey.id);
  expect(meta(got)?.requestId).toEqual(expect.any(String));
  expect(meta(got)?.requestId).not.toBe(createdMeta?.requestId);
  const page = await owner.keys.page({ first: 1 });
  expect(meta(page)).toMatchObject({ operation: 'ListKeys', requestId: expect.any(String) });
  const verifier = createClient({ url: live.url, apiKey: (await owner.keys.create({ name: 'verifier 2', scopes: ['keys:verify'] })).key });
  expect(meta(await verifier.verify({ key: created.key }))).toMatchObject({ operation: 'POST /v1/verify', status: 200, requestId: expect.any(String) });

  // An error member of the mutation's result union (HTTP 200).
  const error = await owner.keys.create({ name: 'bad ip', ipRules: [{ action: 'ALLOW', cidr: 'not-a-cidr' }] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error).toMatchObject({ status: 200, requestId: expect.stringMatching(/\S/), operation: 'CreateKey' });
  expect(meta({})).toBeUndefined();
});

test('@keywarden/sdk/graphql: a custom typed operation runs with Dates, and the schema is there for tooling', async () => {
  const { apiKey } = await owner.keys.create({ name: 'custom' });
  const KeyDates = graphql<{ apiKey: { name: string; createdAt: Date; expiresAt: Date | null } | null }, { id: string }>(
    'query KeyDates($id: ID!) { apiKey(id: $id) { name createdAt expiresAt } }',
  );
  const result = await owner.request(KeyDates, { id: apiKey.id });
  expect(result.apiKey).toMatchObject({ name: 'custom', expiresAt: null });
  expect(result.apiKey!.createdAt).toBeInstanceOf(Date);
  expect(meta(result)?.operation).toBe('KeyDates');
  expect(schemaSDL).toContain('scalar DateTime');
  expect(schema().getType('ApiKey')?.name).toBe('ApiKey');
});
