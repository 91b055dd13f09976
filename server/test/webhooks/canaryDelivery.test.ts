import { afterAll, beforeAll, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, verifyKey } from '../harness/keys.ts';
import { startReceiver, type Receiver } from './receiver.ts';

// A canary's use reaches a webhook receiver within 2 s, with the worker on its own timer (as in the
// server), not driven by the test: the alarm's commit sends the worker round at once.

const DELIVERED_WITHIN_MS = 2_000;

const t = useTestApp({ env: { KEYWARDEN_WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' }, webhooks: { pollIntervalMs: 1_000 } });
let tenant: TestTenant;
let receiver: Receiver;

beforeAll(async () => {
  tenant = await createTenant(t.app, 'Canary hooks');
  receiver = await startReceiver();
});
afterAll(async () => receiver?.close());

it(`delivers canary.triggered, signed, within ${DELIVERED_WITHIN_MS} ms of the canary's use`, async () => {
  const endpoint = await t.graphql(
    `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { __typename ... on WebhookEndpointSecretPayload { secret } ... on Error { message } } }`,
    { input: { url: receiver.url, eventTypes: ['canary.triggered'] } },
    { token: tenant.owner.token },
  );
  const secret: string = endpoint.data.createWebhookEndpoint.secret;
  expect(secret, endpoint.body).toMatch(/^whsec_/);
  const created = await t.graphql(
    `mutation ($input: CreateKeyInput!) { createKey(input: $input) { __typename ... on CreateKeyPayload { secret apiKey { id } } ... on Error { message } } }`,
    { input: { name: 'bait', scopes: ['keys:read'], canary: true } },
    { token: tenant.owner.token },
  );
  expect(created.data?.createKey?.__typename, created.body).toBe('CreateKeyPayload');
  const canary = created.data.createKey as { secret: string; apiKey: { id: string } };
  const resourceServer = (await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] })).text;

  const used = await verifyKey(t, resourceServer, { key: canary.secret }, { ip: '198.51.100.23' });
  const answeredAt = Date.now();
  expect(used.body).toMatchObject({ valid: false, code: 'NOT_FOUND' });
  await receiver.waitFor((received) => received.some((r) => JSON.parse(r.body).type === 'canary.triggered'), 30_000);
  const elapsed = Date.now() - answeredAt;

  const delivery = receiver.received.find((r) => JSON.parse(r.body).type === 'canary.triggered')!;
  const payload = new Webhook(secret).verify(delivery.body, delivery.headers) as { data: { target: { id: string }; changes: Record<string, unknown> } };
  expect(payload.data.target.id).toBe(canary.apiKey.id);
  expect(payload.data.changes).toMatchObject({ address: '198.51.100.23', via: 'rest' });
  expect(delivery.body).not.toContain(canary.secret);
  console.log(`canary use → webhook received: ${elapsed} ms`);
  expect(elapsed).toBeLessThanOrEqual(DELIVERED_WITHIN_MS);
});
