import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, verifyKey, type TestKey } from '../harness/keys.ts';

// rotateKey(graceStartsAt: FIRST_USE): the previous secret works until the new one is first used,
// then for the grace period; at the latest until the wait ends. Two app instances on one database
// stand for two servers, sharing a clock the tests move (by minutes: fixture sessions live one real hour).

const START = Math.floor(Date.now() / 1000) * 1000;
let nowMs = START;
const at = (secondsFromStart: number) => { nowMs = START + secondsFromStart * 1000; };
const clock = () => new Date(nowMs);

let a: TestApp;
let b: TestApp;
let tenant: TestTenant;
let verifier: TestKey;

beforeAll(async () => {
  a = await createTestApp({ clock });
  b = await createTestApp({ clock, db: a.app.db });
  tenant = await createTenant(a.app, 'First use');
  verifier = await createTestKey(a.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
}, 240_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
});
beforeEach(() => { nowMs = START; });

const ROTATE = `mutation($input: RotateKeyInput!) { rotateKey(input: $input) { __typename ... on RotateKeyPayload { key apiKey { rotation { state graceEndsAt waitUntil gracePeriodSeconds } } } ... on ValidationError { fieldErrors { path message } } } }`;
const ROTATION = `query($id: ID!) { apiKey(id: $id) { rotation { state graceEndsAt waitUntil gracePeriodSeconds } } }`;

async function rotateFromFirstUse(key: TestKey, gracePeriodSeconds: number, maxWaitSeconds?: number) {
  const answer = await a.graphql(ROTATE, { input: { id: key.id, gracePeriodSeconds, graceStartsAt: 'FIRST_USE', maxWaitSeconds } }, { token: tenant.owner.token });
  expect(answer.data?.rotateKey.__typename, answer.body).toBe('RotateKeyPayload');
  return answer.data.rotateKey as { key: string; apiKey: { rotation: any } };
}

const valid = async (t: TestApp, key: string) => (await verifyKey(t, verifier.text, { key })).body?.valid;
const rotationOf = async (id: string) => (await a.graphql(ROTATION, { id }, { token: tenant.owner.token })).data.apiKey.rotation;
const completions = (keyId: string) => a.app.db.prisma.auditEvent.findMany({ where: { targetId: keyId, action: 'key.rotation_completed' } });

const newKey = () => createTestKey(a.app, tenant.id, { ownerId: tenant.owner.id });

describe('grace from first use', () => {
  it('keeps the old secret while waiting, starts the grace at the first use of the new one, then refuses the old', async () => {
    const key = await newKey();
    const rotated = await rotateFromFirstUse(key, 600, 1_800);
    expect(rotated.apiKey.rotation).toEqual({ state: 'WAITING_FOR_FIRST_USE', graceEndsAt: null, waitUntil: new Date(START + 1_800_000).toISOString(), gracePeriodSeconds: 600 });

    // Waiting: the old secret works on both instances, and does not end the wait.
    at(600);
    expect(await valid(a, key.text)).toBe(true);
    expect(await valid(b, key.text)).toBe(true);
    expect((await rotationOf(key.id)).state).toBe('WAITING_FOR_FIRST_USE');
    expect(await completions(key.id)).toHaveLength(0);

    // The first use of the new secret (on b) starts the grace; the answer comes after it started.
    at(900);
    expect(await valid(b, rotated.key)).toBe(true);
    expect(await rotationOf(key.id)).toEqual({ state: 'GRACE', graceEndsAt: new Date(START + 1_500_000).toISOString(), waitUntil: null, gracePeriodSeconds: null });
    const [event] = await completions(key.id);
    expect(event).toMatchObject({ actorType: 'API_KEY', actorId: key.id });
    expect(JSON.stringify(event)).not.toContain(rotated.key);

    // In the grace, both work everywhere; after it, only the new one (a cached the old one earlier).
    at(1_499);
    expect(await valid(a, key.text)).toBe(true);
    at(1_500);
    expect(await valid(a, key.text)).toBe(false);
    expect(await valid(b, key.text)).toBe(false);
    expect(await valid(a, rotated.key)).toBe(true);
    expect(await completions(key.id)).toHaveLength(1);
  });

  it('ends at the maximum wait when the new secret is never used', async () => {
    const key = await newKey();
    const rotated = await rotateFromFirstUse(key, 600, 900);
    expect(await valid(a, key.text)).toBe(true);
    at(900);
    expect(await valid(a, key.text)).toBe(false);
    expect(await rotationOf(key.id)).toBeNull();
    // A use after the wait ended starts nothing.
    expect(await valid(a, rotated.key)).toBe(true);
    expect(await completions(key.id)).toHaveLength(0);
    expect(await valid(a, key.text)).toBe(false);
  });

  it('with no grace, the old secret stops at the first use of the new', async () => {
    const key = await newKey();
    const rotated = await rotateFromFirstUse(key, 0);
    expect(await valid(a, key.text)).toBe(true);
    expect(await valid(a, rotated.key)).toBe(true);
    expect(await valid(a, key.text)).toBe(false);
    expect(await valid(b, key.text)).toBe(false);
    expect(await rotationOf(key.id)).toBeNull();
  });

  it('writes key.rotation_completed exactly once under concurrent first uses on two instances', async () => {
    const key = await newKey();
    const rotated = await rotateFromFirstUse(key, 600);
    const results = await Promise.all([a, b, a, b, a, b].map((t) => valid(t, rotated.key)));
    expect(results.every(Boolean)).toBe(true);
    expect(await completions(key.id)).toHaveLength(1);
    expect((await rotationOf(key.id)).state).toBe('GRACE');
  });

  it('keeps the hot path free of writes for keys rotated the usual way', async () => {
    const key = await newKey();
    const answer = await a.graphql(ROTATE, { input: { id: key.id, gracePeriodSeconds: 60 } }, { token: tenant.owner.token });
    expect(answer.data.rotateKey.apiKey.rotation).toMatchObject({ state: 'GRACE', graceEndsAt: new Date(START + 60_000).toISOString() });
    expect(await valid(a, answer.data.rotateKey.key)).toBe(true);
    expect(await completions(key.id)).toHaveLength(0);
  });

  it('refuses bad inputs and changes nothing', async () => {
    const key = await newKey();
    for (const [input, path] of [
      [{ graceStartsAt: 'FIRST_USE', maxWaitSeconds: 0 }, 'maxWaitSeconds'],
      [{ graceStartsAt: 'FIRST_USE', maxWaitSeconds: 31 * 86_400 }, 'maxWaitSeconds'],
      [{ maxWaitSeconds: 3_600 }, 'maxWaitSeconds'],
    ] as const) {
      const answer = await a.graphql(ROTATE, { input: { id: key.id, ...input } }, { token: tenant.owner.token });
      expect(answer.data?.rotateKey.__typename, answer.body).toBe('ValidationError');
      expect(answer.data.rotateKey.fieldErrors[0].path).toContain(path);
    }
    expect(await valid(a, key.text)).toBe(true);
    expect(await rotationOf(key.id)).toBeNull();
  });
});
