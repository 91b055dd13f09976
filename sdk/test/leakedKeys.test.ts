// Reporting a leaked key through the SDK against a real server: the tenant's policy applies once,
// and another tenant's key is NOT_FOUND like any text that is not a live key of the caller's tenant.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { asId, createClient, NotFoundError, type KeywardenClient } from '../src/index.ts';
import { startLiveServer, type LiveServer, type TestTenant } from './helpers/liveServer.ts';

let live: LiveServer;
let tenant: TestTenant;
let owner: KeywardenClient;

beforeAll(async () => {
  live = await startLiveServer();
  tenant = await live.createTenant('Leaks');
  owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
});
afterAll(async () => {
  await live?.close();
});

describe('keys.reportLeaked', () => {
  test("revokes the key under the default policy, once; the tenant's policy can be changed", async () => {
    const { key, apiKey } = await owner.keys.create({ name: 'exposed' });
    const first = await owner.keys.reportLeaked({ key, url: 'https://paste.example.test/1' });
    expect(first).toEqual({ keyId: apiKey.id, policy: 'REVOKE', status: 'REVOKED', alreadyReported: false });
    expect((await owner.keys.get(apiKey.id)).status).toBe('REVOKED');
    expect(await owner.keys.reportLeaked({ key, url: 'https://paste.example.test/1' })).toMatchObject({ alreadyReported: true });

    const tenantRecord = await owner.tenants.update({ id: asId('ten', tenant.id), leakedKeyPolicy: 'NOTIFY' });
    expect(tenantRecord.leakedKeyPolicy).toBe('NOTIFY');
    const other = await owner.keys.create({ name: 'exposed too' });
    expect(await owner.keys.reportLeaked({ key: other.key, note: 'in a screenshot' })).toMatchObject({ policy: 'NOTIFY', status: 'ACTIVE' });
  });

  test("another tenant's key is NOT_FOUND and stays as it was", async () => {
    const otherTenant = await live.createTenant('Elsewhere');
    const them = createClient({ url: live.url, sessionToken: otherTenant.owner.token });
    const { key, apiKey } = await them.keys.create({ name: 'theirs' });
    await expect(owner.keys.reportLeaked({ key })).rejects.toBeInstanceOf(NotFoundError);
    expect((await them.keys.get(apiKey.id)).status).toBe('ACTIVE');
  });
});
