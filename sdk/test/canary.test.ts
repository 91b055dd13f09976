// Canary keys and key networks through the SDK against a live server.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, isWellFormedKey, type KeywardenClient } from '../src/index.ts';
import { startLiveServer, type LiveServer } from './helpers/liveServer.ts';

let live: LiveServer;
let owner: KeywardenClient;

beforeAll(async () => {
  live = await startLiveServer();
  const tenant = await live.createTenant('Bait');
  owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
});
afterAll(async () => {
  await live?.close();
});

test('keys.create({ canary: true }): a well-formed key that verifies as unknown, its use audited at once', async () => {
  const bait = await owner.keys.create({ name: 'Stripe live key (old)', canary: true });
  expect(isWellFormedKey(bait.key)).toBe(true);
  expect(bait.apiKey.canary).toBe(true);
  expect((await owner.keys.get(bait.apiKey.id)).canary).toBe(true);
  const verdict = await owner.verify({ key: bait.key, ip: '203.0.113.50' });
  expect(verdict).toMatchObject({ valid: false, code: 'NOT_FOUND' });
  const events = await live.harness.app.db.prisma.auditEvent.findMany({ where: { action: 'canary.triggered', targetId: bait.apiKey.id } });
  expect(events).toHaveLength(1);
  expect(events[0]!.changes).toMatchObject({ address: '203.0.113.50', genuine: true });
});

test('keys.networks(id): where a real key was used from, after the usage flush', async () => {
  const real = await owner.keys.create({ name: 'real' });
  expect(real.apiKey.canary).toBe(false);
  expect(await owner.verify({ key: real.key, ip: '2001:db8:5::7' })).toMatchObject({ valid: true });
  await live.harness.app.verification.usage.flush();
  expect(await owner.keys.networks(real.apiKey.id)).toMatchObject([{ network: '2001:db8:5::/48', lastAddress: '2001:db8:5::7' }]);
});
