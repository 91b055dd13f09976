import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, verifyKey, type TestKey } from '../harness/keys.ts';

// `key.used_from_new_network`: the first valid use of a key from an IPv4 /24 or IPv6 /48 it was
// not used from in KEYWARDEN_NEW_NETWORK_DAYS. Verification only notes the network in memory; the
// batched usage flush writes it and the audit event, once, whichever instance flushes.

const DAY = 86_400_000;
let nowMs = Date.now();
let t: TestApp;
let second: TestApp;
let tenant: TestTenant;
let other: TestTenant;
/** The resource server asking: a key (sessions end with the real hour; the clock here moves by days). */
let resourceServer: TestKey;

beforeAll(async () => {
  // Flushes only when the test says so: every write below is the flush's.
  const options = { clock: () => new Date(nowMs), verification: { usageFlushIntervalMs: 3_600_000, newNetworkDays: 30 } };
  t = await createTestApp(options);
  second = await createTestApp({ ...options, db: t.app.db });
  tenant = await createTenant(t.app, 'Roaming');
  other = await createTenant(t.app, 'Other');
  resourceServer = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

const newKey = () => createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'] });
const events = (key: TestKey) =>
  t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, action: 'key.used_from_new_network', targetId: key.id }, orderBy: { seq: 'asc' } });
const networkRows = (key: TestKey) => t.app.db.prisma.keyNetwork.findMany({ where: { apiKeyId: key.id }, orderBy: { network: 'asc' } });

async function use(key: TestKey, ip: string, app: TestApp = t): Promise<void> {
  const answer = await verifyKey(app, resourceServer.text, { key: key.text, ip, endpoint: 'GET /v1/tickets' });
  expect(answer.body, answer.text).toMatchObject({ valid: true });
}

describe('key.used_from_new_network', () => {
  it('is recorded once for a new /24, by the flush and not by the verification', async () => {
    const key = await newKey();
    await use(key, '203.0.113.7');
    const lookups = t.app.verification.stats.dbLookups;
    await use(key, '203.0.113.7');
    await use(key, '198.51.100.1');
    // Nothing written yet: the verifications only noted the networks in memory, and read nothing.
    expect(await networkRows(key)).toEqual([]);
    expect(await events(key)).toEqual([]);
    expect(t.app.verification.stats.dbLookups).toBe(lookups);

    await t.app.verification.usage.flush();
    const event = (await events(key)).find((e) => e.ip === '203.0.113.7');
    expect(await events(key)).toHaveLength(2);
    expect(event).toMatchObject({ targetType: 'ApiKey', targetId: key.id, actorType: 'SYSTEM', ip: '203.0.113.7' });
    expect(event!.changes).toMatchObject({ network: '203.0.113.0/24', address: '203.0.113.7', endpoint: 'GET /v1/tickets', newNetworkDays: 30 });
    expect(await networkRows(key)).toMatchObject([
      { network: '198.51.100.0/24', lastAddress: '198.51.100.1', tenantId: tenant.id },
      { network: '203.0.113.0/24', lastAddress: '203.0.113.7', tenantId: tenant.id },
    ]);

    // Another address of the same /24: no event (and, within the hour, no rewrite of the row).
    await use(key, '203.0.113.200');
    await t.app.verification.usage.flush();
    expect(await events(key)).toHaveLength(2);
    expect(await networkRows(key)).toHaveLength(2);

    // Another /24: an event.
    await use(key, '203.0.114.1');
    await t.app.verification.usage.flush();
    expect((await events(key)).map((e) => (e.changes as { network: string }).network).sort()).toEqual(['198.51.100.0/24', '203.0.113.0/24', '203.0.114.0/24']);
    expect(JSON.stringify(await events(key))).not.toContain(key.secret);
  });

  it('is recorded again after the configured days without a use from there, not before', async () => {
    const key = await newKey();
    await use(key, '192.0.2.10');
    await t.app.verification.usage.flush();
    nowMs += 29 * DAY;
    await use(key, '192.0.2.11');
    await t.app.verification.usage.flush();
    expect(await events(key)).toHaveLength(1);
    nowMs += 31 * DAY;
    await use(key, '192.0.2.12');
    await t.app.verification.usage.flush();
    const all = await events(key);
    expect(all).toHaveLength(2);
    expect(all[1]!.changes).toMatchObject({ network: '192.0.2.0/24', address: '192.0.2.12' });
    const [row] = await networkRows(key);
    expect(row!.firstSeenAt.getTime()).toBe(nowMs);
  });

  it('counts IPv6 by /48, and an IPv4-mapped address as IPv4', async () => {
    const key = await newKey();
    await use(key, '2001:db8:1:2::5');
    await use(key, '2001:db8:1:ffff::1');
    await use(key, '2001:db8:2::1');
    await t.app.verification.usage.flush();
    expect((await events(key)).map((e) => (e.changes as { network: string }).network).sort()).toEqual(['2001:db8:1::/48', '2001:db8:2::/48']);
  });

  it('two instances flushing the same new network report it once', async () => {
    const key = await newKey();
    await use(key, '198.18.0.1', t);
    await use(key, '198.18.0.2', second);
    await Promise.all([t.app.verification.usage.flush(), second.app.verification.usage.flush()]);
    expect(await events(key)).toHaveLength(1);
  });

  it('refused uses record no network', async () => {
    const key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });
    const answer = await verifyKey(t, resourceServer.text, { key: key.text, ip: '100.64.0.1' });
    expect(answer.body).toMatchObject({ valid: false });
    await t.app.verification.usage.flush();
    expect(await networkRows(key)).toEqual([]);
    expect(await events(key)).toEqual([]);
  });
});

describe('ApiKey.networks', () => {
  it('lists the networks most recent first to key readers of the tenant only', async () => {
    nowMs = Date.now(); // the members' sessions live by the real hour
    const key = await newKey();
    await use(key, '203.0.113.9');
    nowMs += 1000;
    await use(key, '2001:db8:9::1');
    await t.app.verification.usage.flush();
    const query = `query($id: ID!) { apiKey(id: $id) { networks { network firstSeenAt lastSeenAt lastAddress } } }`;
    const mine = await t.graphql(query, { id: key.id }, { token: tenant.owner.token });
    expect(mine.errors, mine.body).toBeUndefined();
    expect(mine.data.apiKey.networks).toMatchObject([
      { network: '2001:db8:9::/48', lastAddress: '2001:db8:9::1' },
      { network: '203.0.113.0/24', lastAddress: '203.0.113.9' },
    ]);
    const theirs = await t.graphql(query, { id: key.id }, { token: other.owner.token });
    expect(theirs.data?.apiKey ?? null).toBeNull();
  });
});
