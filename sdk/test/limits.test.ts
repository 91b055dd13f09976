// Rate limits, named limits, usage credits and identities through the SDK against a live server:
// set on keys, groups and identities, read back with what is left, charged by verify.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ValidationError, createClient, type KeywardenClient } from '../src/index.ts';
import { startLiveServer, type LiveServer } from './helpers/liveServer.ts';

let live: LiveServer;
let owner: KeywardenClient;
let other: KeywardenClient;

beforeAll(async () => {
  live = await startLiveServer();
  const [a, b] = await Promise.all([live.createTenant('A'), live.createTenant('B')]);
  owner = createClient({ url: live.url, sessionToken: a.owner.token });
  other = createClient({ url: live.url, sessionToken: b.owner.token });
});
afterAll(async () => {
  await live?.close();
});

describe('limits through the SDK', () => {
  test('keys: set, read, charge by name and cost over REST and GraphQL', async () => {
    const issued = await owner.keys.create({
      name: 'limited',
      rateLimit: { limit: 5, windowMs: 60_000 },
      namedRateLimits: [{ name: 'exports', limit: 3, windowMs: 3_600_000 }],
      credits: { remaining: 10, refill: { amount: 10, intervalSeconds: 86_400 } },
      externalId: 'cust-sdk',
    });
    expect(issued.apiKey).toMatchObject({ externalId: 'cust-sdk', rateLimit: { limit: 5, windowMs: 60_000 }, credits: { remaining: 10 } });
    expect(await owner.keys.limits(issued.apiKey.id)).toMatchObject({
      namedRateLimits: [{ name: 'exports', limit: 3, windowMs: 3_600_000 }], credits: { remaining: 10, refill: { amount: 10, intervalSeconds: 86_400 } },
    });
    const rest = await owner.verify({ key: issued.key, rateLimits: [{ name: 'exports', cost: 2 }], credits: { cost: 3 } });
    expect(rest).toMatchObject({ valid: true, remainingUses: 7, rateLimits: [{ name: 'exports', level: 'KEY', limit: 3, remaining: 1 }] });
    const gql = await owner.verify({ key: issued.key, rateLimits: [{ name: 'exports', cost: 2 }] }, { via: 'graphql' });
    expect(gql).toMatchObject({ valid: false, code: 'RATE_LIMITED', limitName: 'exports' });
    const read = await owner.keys.get(issued.apiKey.id);
    expect(read.credits?.remaining).toBe(7);
    expect((await owner.keys.limits(issued.apiKey.id)).rateLimitStatus.find((s) => s.name === 'exports')).toMatchObject({ remaining: 1, source: 'KEY', counting: 'KEY' });

    const updated = await owner.keys.update({ id: issued.apiKey.id, removeRateLimit: true, removeCredits: true, namedRateLimits: [] });
    expect(updated).toMatchObject({ rateLimit: null, credits: null });
    expect(await owner.keys.limits(issued.apiKey.id)).toMatchObject({ namedRateLimits: [], rateLimitStatus: [] });
    await expect(owner.keys.update({ id: issued.apiKey.id, rateLimit: { limit: 0, windowMs: 10 } })).rejects.toBeInstanceOf(ValidationError);

    const listed = await owner.keys.list({ filter: { externalId: 'cust-sdk' } }).toArray();
    expect(listed.map((k) => k.id)).toEqual([issued.apiKey.id]);
    expect(await other.keys.list({ filter: { externalId: 'cust-sdk' } }).toArray()).toEqual([]);
  });

  test('groups and identities', async () => {
    const group = await owner.groups.create({ name: 'metered', rateLimit: { limit: 2, windowMs: 60_000 }, credits: { remaining: 4 } });
    expect(group).toMatchObject({ rateLimit: { limit: 2, windowMs: 60_000 }, credits: { remaining: 4 }, namedRateLimits: [] });
    const inGroup = await owner.keys.create({ name: 'g', groupId: group.id, externalId: 'cust-shared' });
    expect(inGroup.apiKey.credits?.remaining).toBe(4);

    const identity = await owner.identities.setLimits({ externalId: 'cust-shared', namedRateLimits: [{ name: 'exports', limit: 1, windowMs: 60_000 }] });
    expect(identity).toMatchObject({ externalId: 'cust-shared', keyCount: 1, namedRateLimits: [{ name: 'exports', limit: 1 }] });
    const second = await owner.keys.create({ name: 'h', externalId: 'cust-shared' });
    expect(await owner.verify({ key: inGroup.key, rateLimits: [{ name: 'exports' }] })).toMatchObject({ valid: true });
    expect(await owner.verify({ key: second.key, rateLimits: [{ name: 'exports' }] })).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    expect((await owner.identities.get('cust-shared'))?.rateLimitStatus).toEqual([expect.objectContaining({ name: 'exports', counting: 'IDENTITY', remaining: 0 })]);
    // Another tenant's identity of the same id is its own, and empty.
    expect(await other.identities.get('cust-shared')).toBeNull();
    await expect(owner.identities.setLimits({ externalId: '' })).rejects.toBeInstanceOf(ValidationError);
  });
});
