// kw.webhooks against a live server whose worker runs on its own timer, with a real local receiver
// checking signatures as an integrator's would (standardwebhooks).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, KeywardenError, ValidationError, type KeywardenClient } from '../src/index.ts';
import { startLiveServer, type LiveServer } from './helpers/liveServer.ts';

interface Received {
  headers: Record<string, string>;
  body: string;
}

let live: LiveServer;
let owner: KeywardenClient;
let outsider: KeywardenClient;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
const arrivals: (() => void)[] = [];

/** Resolves once a delivery of `type` has arrived (the test's own timeout bounds the wait). */
async function deliveryOf(type: string): Promise<Received> {
  for (;;) {
    const found = received.find((r) => JSON.parse(r.body).type === type);
    if (found) return found;
    await new Promise<void>((resolve) => arrivals.push(resolve));
  }
}

beforeAll(async () => {
  live = await startLiveServer({ env: { KEYWARDEN_WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' }, webhooks: { pollIntervalMs: 200 } });
  const tenant = await live.createTenant('Hooked');
  owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
  outsider = createClient({ url: live.url, sessionToken: (await live.createTenant('Elsewhere')).owner.token });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
      for (const wake of arrivals.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await live?.close();
});

test('create, receive a signed key.revoked, read its delivery log, pause, rotate the secret, delete', async () => {
  const { endpoint, secret } = await owner.webhooks.create({ url: receiverUrl, eventTypes: ['key.revoked'] });
  expect(secret).toMatch(/^whsec_/);
  expect(JSON.stringify(await owner.webhooks.list())).not.toContain(secret.slice(6));

  const key = await owner.keys.create({ name: 'to revoke' });
  await owner.keys.revoke({ id: key.apiKey.id, reason: 'test' });
  const delivery = await deliveryOf('key.revoked');
  const payload = new Webhook(secret).verify(delivery.body, delivery.headers) as { data: { target: { id: string } } };
  expect(payload.data.target.id).toBe(key.apiKey.id);
  expect(delivery.body).not.toContain(key.key);

  // The receiver has answered; the worker records the attempt right after.
  let log = await owner.webhooks.deliveries({ endpointId: endpoint.id });
  while (log.items[0]?.status === 'PENDING') {
    await new Promise((resolve) => setTimeout(resolve, 50));
    log = await owner.webhooks.deliveries({ endpointId: endpoint.id });
  }
  expect(log.items[0]).toMatchObject({ eventType: 'key.revoked', status: 'DELIVERED', attempts: 1, lastResponseStatus: 204 });

  expect((await owner.webhooks.pause(endpoint.id)).status).toBe('PAUSED');
  expect((await owner.webhooks.resume(endpoint.id)).status).toBe('ACTIVE');
  const rotated = await owner.webhooks.rotateSecret(endpoint.id, 60);
  expect(rotated.secret).toMatch(/^whsec_/);
  expect(rotated.secret).not.toBe(secret);

  // Another tenant's caller cannot see or touch it.
  await expect(outsider.webhooks.pause(endpoint.id)).rejects.toBeInstanceOf(KeywardenError);
  expect((await outsider.webhooks.list()).items).toEqual([]);

  expect(await owner.webhooks.delete(endpoint.id)).toEqual({ deletedWebhookEndpointId: endpoint.id });
  expect((await owner.webhooks.list()).items).toEqual([]);
});

test('bad input is a typed error and creates nothing', async () => {
  await expect(owner.webhooks.create({ url: 'ftp://example.com/hook', eventTypes: ['key.revoked'] })).rejects.toBeInstanceOf(ValidationError);
  await expect(owner.webhooks.create({ url: receiverUrl, eventTypes: ['key.nope'] })).rejects.toBeInstanceOf(ValidationError);
  expect((await owner.webhooks.list()).items).toEqual([]);
});
