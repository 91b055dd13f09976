// The route map through the SDK against a real server, and a reverse proxy's question answered by it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, ForbiddenError, NotFoundError, ValidationError, type KeywardenClient } from '../src/index.ts';
import { startLiveServer, type LiveServer, type TestTenant } from './helpers/liveServer.ts';

let live: LiveServer;
let tenant: TestTenant;
let owner: KeywardenClient;

beforeAll(async () => {
  live = await startLiveServer();
  tenant = await live.createTenant('Routes');
  owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
});
afterAll(async () => {
  await live?.close();
});

describe('routeMap', () => {
  test('a tenant that never set one: DENY, no routes', async () => {
    expect(await owner.routeMap.get()).toEqual({ defaultAction: 'DENY', routes: [], updatedAt: null });
  });

  test('set replaces the map and get reads it back; forward-auth then follows it', async () => {
    await owner.scopes.create({ name: 'tickets:read' });
    const routes = [{ pattern: 'GET /v1/tickets/**', scopes: ['tickets:read'] }];
    const set = await owner.routeMap.set({ defaultAction: 'DENY', routes });
    expect(set).toMatchObject({ defaultAction: 'DENY', routes });
    expect(await owner.routeMap.get()).toEqual(set);

    const proxyKey = await owner.keys.create({ name: 'proxy', scopes: ['keys:verify'] });
    const clientKey = await owner.keys.create({ name: 'client', scopes: ['tickets:read'] });
    const ask = (uri: string) =>
      fetch(`${live.url}/v1/forward-auth`, {
        headers: { 'x-keywarden-caller': `Bearer ${proxyKey.key}`, 'x-original-method': 'GET', 'x-original-uri': uri, authorization: `Bearer ${clientKey.key}` },
      });
    const ok = await ask('/v1/tickets/1');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-keywarden-key-id')).toBe(clientKey.apiKey.id);
    expect((await ask('/v1/other')).status).toBe(403);
  });

  test('bad input is a ValidationError; another tenant is NOT_FOUND; a viewer may not set', async () => {
    await expect(owner.routeMap.set({ defaultAction: 'ALLOW', routes: [{ pattern: 'no-slash', scopes: [] }] })).rejects.toBeInstanceOf(ValidationError);
    const other = await live.createTenant('Other');
    await expect(owner.routeMap.set({ tenantId: other.id, defaultAction: 'ALLOW', routes: [] })).rejects.toBeInstanceOf(NotFoundError);
    const viewer = createClient({ url: live.url, sessionToken: (await tenant.addMember('VIEWER')).token });
    await expect(viewer.routeMap.set({ defaultAction: 'ALLOW', routes: [] })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await owner.routeMap.get()).defaultAction).toBe('DENY');
  });
});
