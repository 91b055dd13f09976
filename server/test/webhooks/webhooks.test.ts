import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey } from '../harness/keys.ts';
import { MANAGEMENT_SCOPES } from '../../src/domain/scopes.ts';
import { postWebhook } from '../../src/services/webhooks/http.ts';
import { parseCidrList } from '../../src/domain/webhookTargets.ts';
import { startReceiver, type Receiver } from './receiver.ts';

// Webhooks end to end: endpoints through GraphQL, events from real mutations, the worker's
// rounds run by the test (runOnce / runExpiry) against a real local HTTP receiver, signatures
// checked with standardwebhooks as a receiver would, and a clock the test moves.

const DAY = 86_400_000;
let offset = 0;
const clock = () => new Date(Date.now() + offset);

// Deliveries are compared exactly: no timed usage flush may add a key.used_from_new_network event
// (projected as audit.key.used_from_new_network) for an earlier test's key while one is measured.
const t = useTestApp({ env: { KEYWARDEN_WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8', KEYWARDEN_WEBHOOK_TIMEOUT_MS: '3000', KEYWARDEN_USAGE_FLUSH_MS: '3600000' }, clock });
let tenant: TestTenant;
let other: TestTenant;
let receiver: Receiver;
const secrets: string[] = [];

const tokens = new Map<string, string>();
/** The test moves the clock by days, past a session's expiry: callers act through keys that never expire. */
async function tenantWithKey(name: string): Promise<TestTenant> {
  const made = await createTenant(t.app, name);
  const key = await createTestKey(t.app, made.id, { ownerId: made.owner.id, scopes: MANAGEMENT_SCOPES.map((s) => s.name) });
  tokens.set(made.id, key.text);
  return { ...made, owner: { ...made.owner, token: key.text } };
}

beforeAll(async () => {
  tenant = await tenantWithKey('Hooks');
  other = await tenantWithKey('Other');
  receiver = await startReceiver();
});
afterAll(async () => receiver.close());
// Each test sees only its own endpoints' deliveries: the others are paused after every test.
afterEach(async () => {
  receiver.respond = (_req, res) => res.writeHead(204).end();
  await t.app.db.prisma.webhookEndpoint.updateMany({ where: { status: 'ACTIVE' }, data: { status: 'PAUSED' } });
});

const CREATE = `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  __typename ... on WebhookEndpointSecretPayload { secret endpoint { id url status eventTypes } }
  ... on ValidationError { fieldErrors { path message } } } }`;

async function createEndpoint(eventTypes: string[], url = receiver.url, token = tenant.owner.token) {
  const response = await t.graphql(CREATE, { input: { url, eventTypes } }, { token });
  const result = response.data?.createWebhookEndpoint;
  expect(result, response.body).toBeDefined();
  expect(result.__typename, response.body).toBe('WebhookEndpointSecretPayload');
  secrets.push(result.secret);
  return { id: result.endpoint.id as string, secret: result.secret as string };
}

async function revokeNewKey(tenantOf = tenant) {
  const key = await createTestKey(t.app, tenantOf.id, { ownerId: tenantOf.owner.id });
  const response = await t.graphql(
    `mutation ($input: RevokeKeyInput!) { revokeKey(input: $input) { __typename } }`,
    { input: { id: key.id, reason: 'found in a public repository' } },
    { token: tenantOf.owner.token },
  );
  expect(response.errors).toBeUndefined();
  return key.id;
}

/** Runs worker rounds until nothing is due. */
async function drain(app = t.app) {
  while ((await app.webhooks.runOnce()) > 0);
}

const deliveriesOf = (endpointId: string) => t.app.db.prisma.webhookDelivery.findMany({ where: { endpointId }, orderBy: { id: 'asc' } });

async function quiet(endpointIds: string[]) {
  // Other tests' endpoints: pause them so each test sees only its own deliveries.
  await t.app.db.prisma.webhookEndpoint.updateMany({ where: { id: { in: endpointIds } }, data: { status: 'PAUSED' } });
}

describe('endpoints', () => {
  it('answers the whsec_ secret once; lists, audit and logs never hold it', async () => {
    const { id, secret } = await createEndpoint(['key.revoked']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await t.graphql(`{ webhookEndpoints { edges { node { id url eventTypes status secretRotatedAt } } } }`, {}, { token: tenant.owner.token });
    expect(list.data.webhookEndpoints.edges.map((e: any) => e.node.id)).toContain(id);
    expect(list.body).not.toContain(secret.slice(6));
    const stored = await t.app.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(stored.secretCiphertext).not.toContain(secret.slice(6));
    const audit = JSON.stringify(await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id } }));
    expect(audit).not.toContain(secret.slice(6));
    expect(audit).not.toContain(stored.secretCiphertext);
    expect(t.logs.text()).not.toContain(secret.slice(6));
    await quiet([id]);
  });

  it('refuses bad input: unknown or repeated event types, non-http URLs, credentials, private targets', async () => {
    const bad = [
      { url: receiver.url, eventTypes: ['key.nope'] },
      { url: receiver.url, eventTypes: [] },
      { url: receiver.url, eventTypes: ['key.created', 'key.created'] },
      { url: 'ftp://example.com/hook', eventTypes: ['key.created'] },
      { url: 'not a url', eventTypes: ['key.created'] },
      { url: 'https://user:pw@example.com/hook', eventTypes: ['key.created'] },
      { url: 'http://10.0.0.8/hook', eventTypes: ['key.created'] },
      { url: 'http://169.254.169.254/latest/meta-data', eventTypes: ['key.created'] },
      { url: 'http://[::1]/hook', eventTypes: ['key.created'] },
      { url: 'http://0.0.0.0/hook', eventTypes: ['key.created'] },
    ];
    const before = await t.app.db.prisma.webhookEndpoint.count();
    for (const input of bad) {
      const response = await t.graphql(CREATE, { input }, { token: tenant.owner.token });
      expect(response.data.createWebhookEndpoint.__typename, JSON.stringify(input)).toBe('ValidationError');
    }
    expect(await t.app.db.prisma.webhookEndpoint.count()).toBe(before);
  });

  it('needs webhooks:write to create and webhooks:read to list', async () => {
    const viewer = await (await createTenant(t.app, 'Viewer')).addMember('VIEWER');
    const created = await t.graphql(CREATE, { input: { url: receiver.url, eventTypes: ['key.created'] } }, { token: viewer.token });
    expect(created.data?.createWebhookEndpoint ?? null).toBeNull();
    const listed = await t.graphql(`{ webhookEndpoints { edges { node { id } } } }`, {}, { token: viewer.token });
    expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("keeps tenants apart: another tenant's endpoints and deliveries are not found", async () => {
    const { id } = await createEndpoint(['key.revoked']);
    await revokeNewKey();
    const [delivery] = await deliveriesOf(id);
    expect(delivery).toBeDefined();
    const token = other.owner.token;
    const read = await t.graphql(`query ($id: ID!) { webhookEndpoint(id: $id) { id url } }`, { id }, { token });
    expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const list = await t.graphql(`{ webhookEndpoints { edges { node { id } } } webhookDeliveries { edges { node { id } } } }`, {}, { token });
    expect(list.body).not.toContain(id);
    expect(list.body).not.toContain(delivery!.id);
    for (const [document, variables] of [
      [`mutation ($id: ID!) { pauseWebhookEndpoint(id: $id) { __typename } }`, { id }],
      [`mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) { __typename } }`, { id }],
      [`mutation ($id: ID!) { redeliverWebhook(id: $id) { __typename } }`, { id: delivery!.id }],
      [`mutation ($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { __typename } }`, { input: { id, url: 'http://127.0.0.1:1/x' } }],
      [`mutation ($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { __typename } }`, { input: { id } }],
    ] as const) {
      const response = await t.graphql(document, variables, { token });
      expect(Object.values(response.data as object)[0].__typename, document).toBe('NotFoundError');
    }
    expect((await t.app.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } })).status).toBe('ACTIVE');
    await quiet([id]);
  });
});

describe('delivery', () => {
  it('delivers an audit-projected event signed per Standard Webhooks', async () => {
    const { id, secret } = await createEndpoint(['key.revoked', 'audit.*']);
    const start = receiver.received.length;
    const keyId = await revokeNewKey();
    await drain();
    const mine = receiver.received.slice(start).filter((r) => JSON.parse(r.body).type !== 'audit.webhook.created');
    expect(mine.map((r) => JSON.parse(r.body).type).sort()).toEqual(['audit.key.revoked', 'key.revoked']);
    for (const request of mine) {
      const payload = new Webhook(secret).verify(request.body, request.headers) as any;
      expect(request.headers['webhook-id']).toMatch(/^msg_/);
      if (payload.type === 'key.revoked') {
        expect(payload.data).toMatchObject({ tenantId: tenant.id, action: 'key.revoked', target: { type: 'ApiKey', id: keyId } });
        expect(payload.data.changes.status).toEqual({ before: 'ACTIVE', after: 'REVOKED' });
      }
    }
    // A forged signature does not verify.
    expect(() => new Webhook(secret).verify(mine[0]!.body.replace('key', 'kex'), mine[0]!.headers)).toThrow();
    const log = await t.graphql(
      `query ($id: ID!) { webhookDeliveries(endpointId: $id) { edges { node { status attempts lastResponseStatus attemptLog { attempt responseStatus durationMs } } } } }`,
      { id }, { token: tenant.owner.token },
    );
    expect(log.data.webhookDeliveries.edges.map((e: any) => e.node).slice(0, 2)).toEqual([
      expect.objectContaining({ status: 'DELIVERED', attempts: 1, lastResponseStatus: 204, attemptLog: [expect.objectContaining({ attempt: 1, responseStatus: 204 })] }),
      expect.objectContaining({ status: 'DELIVERED', attempts: 1 }),
    ]);
    await quiet([id]);
  });

  it('a receiver failing the first 3 times still gets the event, after backoff', async () => {
    const { id, secret } = await createEndpoint(['key.revoked']);
    let failures = 0;
    receiver.respond = (_req, res) => (failures++ < 3 ? res.writeHead(503).end('busy') : res.writeHead(200).end('ok'));
    await revokeNewKey();
    const [delivery] = await deliveriesOf(id);
    const retryAt: number[] = [];
    for (let round = 0; round < 6; round++) {
      await drain();
      const row = await t.app.db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery!.id } });
      if (row.status === 'DELIVERED') break;
      retryAt.push(row.nextAttemptAt.getTime() - clock().getTime());
      offset += DAY;
    }
    receiver.respond = (_req, res) => res.writeHead(204).end();
    const row = await t.app.db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery!.id } });
    expect(row).toMatchObject({ status: 'DELIVERED', attempts: 4, lastResponseStatus: 200 });
    // Backoff grows: ~5 s, ~20 s, ~80 s (±20%).
    expect(retryAt[0]).toBeGreaterThan(3_000);
    expect(retryAt[1]!).toBeGreaterThan(retryAt[0]!);
    expect(retryAt[2]!).toBeGreaterThan(retryAt[1]!);
    const last = receiver.received.at(-1)!;
    expect(last.headers['webhook-id']).toBe(delivery!.id);
    new Webhook(secret).verify(last.body, last.headers);
    expect(await t.app.db.prisma.webhookAttempt.count({ where: { deliveryId: delivery!.id } })).toBe(4);
    await quiet([id]);
  });

  it('during a rotation overlap both secrets verify; after it, only the new one', async () => {
    const { id, secret: old } = await createEndpoint(['key.revoked']);
    const rotated = await t.graphql(
      `mutation ($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { ... on WebhookEndpointSecretPayload { secret endpoint { previousSecretExpiresAt } } } }`,
      { input: { id, overlapSeconds: 3600 } }, { token: tenant.owner.token },
    );
    const fresh = rotated.data.rotateWebhookSecret.secret as string;
    secrets.push(fresh);
    expect(fresh).not.toBe(old);
    await revokeNewKey();
    await drain();
    const during = receiver.received.at(-1)!;
    expect(during.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    new Webhook(old).verify(during.body, during.headers);
    new Webhook(fresh).verify(during.body, during.headers);

    offset += 2 * 3_600_000;
    await revokeNewKey();
    await drain();
    const after = receiver.received.at(-1)!;
    expect(after.headers['webhook-id']).not.toBe(during.headers['webhook-id']);
    new Webhook(fresh).verify(after.body, after.headers);
    expect(() => new Webhook(old).verify(after.body, after.headers)).toThrow();
    await quiet([id]);
  });

  it('a paused endpoint keeps its events and gets them on resume', async () => {
    const { id } = await createEndpoint(['key.revoked']);
    await t.graphql(`mutation ($id: ID!) { pauseWebhookEndpoint(id: $id) { __typename } }`, { id }, { token: tenant.owner.token });
    await revokeNewKey();
    await drain();
    expect((await deliveriesOf(id)).map((d) => d.status)).toEqual(['PENDING']);
    await t.graphql(`mutation ($id: ID!) { resumeWebhookEndpoint(id: $id) { __typename } }`, { id }, { token: tenant.owner.token });
    await drain();
    expect((await deliveriesOf(id)).map((d) => d.status)).toEqual(['DELIVERED']);
    await quiet([id]);
  });

  it('an endpoint failing for days is disabled, with an audit event and a webhook to the others', async () => {
    const watcher = await createEndpoint(['webhook.endpoint_disabled']);
    const failing = await createEndpoint(['key.revoked'], receiver.url.replace('/hook', '/failing'));
    receiver.respond = (req, res) => res.writeHead(req.headers['webhook-id'] && JSON.parse(req.body).type === 'key.revoked' ? 500 : 204).end();
    await revokeNewKey();
    await drain();
    offset += 6 * DAY;
    await revokeNewKey();
    await drain();
    receiver.respond = (_req, res) => res.writeHead(204).end();
    const endpoint = await t.app.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: failing.id } });
    expect(endpoint.status).toBe('DISABLED');
    expect(await t.app.db.prisma.auditEvent.count({ where: { tenantId: tenant.id, action: 'webhook.endpoint_disabled', targetId: failing.id } })).toBe(1);
    await drain();
    expect((await deliveriesOf(watcher.id)).map((d) => [d.eventType, d.status])).toEqual([['webhook.endpoint_disabled', 'DELIVERED']]);
    // A disabled endpoint gets no new events.
    const before = (await deliveriesOf(failing.id)).length;
    await revokeNewKey();
    expect((await deliveriesOf(failing.id)).length).toBe(before);
    await quiet([watcher.id, failing.id]);
  });

  it('redeliverWebhook sends a delivery again with the same webhook-id', async () => {
    const { id } = await createEndpoint(['key.revoked']);
    await revokeNewKey();
    await drain();
    const [delivery] = await deliveriesOf(id);
    const response = await t.graphql(`mutation ($id: ID!) { redeliverWebhook(id: $id) { ... on WebhookDeliveryPayload { delivery { status } } } }`, { id: delivery!.id }, { token: tenant.owner.token });
    expect(response.data.redeliverWebhook.delivery.status).toBe('PENDING');
    const start = receiver.received.length;
    await drain();
    expect(receiver.received.slice(start).map((r) => r.headers['webhook-id'])).toEqual([delivery!.id]);
    await quiet([id]);
  });

  it('a restart in the middle of a delivery loses nothing', async () => {
    const { id } = await createEndpoint(['key.revoked']);
    const second = await createTestApp({ db: t.app.db, env: { KEYWARDEN_WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' }, clock });
    try {
      let hold = true;
      receiver.respond = (_req, res) => { if (!hold) res.writeHead(204).end(); };
      await revokeNewKey();
      const start = receiver.received.length;
      // The first instance sends; the receiver does not answer; the instance shuts down meanwhile.
      const round = t.app.webhooks.runOnce();
      await receiver.waitFor((r) => r.length > start);
      hold = false;
      await t.app.webhooks.stop();
      await round;
      const [delivery] = await deliveriesOf(id);
      expect(delivery).toMatchObject({ status: 'PENDING', lockedUntil: null });
      await drain(second.app);
      expect((await deliveriesOf(id))[0]).toMatchObject({ status: 'DELIVERED' });
    } finally {
      receiver.respond = (_req, res) => res.writeHead(204).end();
      await second.close();
    }
    // The stopped worker is replaced for the tests after this one.
    Object.assign(t.app, { webhooks: (await import('../../src/services/webhooks/worker.ts')).startWebhookWorker(t.app, { pollIntervalMs: null, expiryIntervalMs: null }) });
    await quiet([id]);
  });

  it('two instances deliver each event once', async () => {
    const { id } = await createEndpoint(['key.revoked']);
    const second = await createTestApp({ db: t.app.db, env: { KEYWARDEN_WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' }, clock });
    try {
      const start = receiver.received.length;
      for (let i = 0; i < 12; i++) await revokeNewKey();
      await Promise.all([drain(t.app), drain(second.app), drain(t.app), drain(second.app)]);
      const ids = receiver.received.slice(start).map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
      expect((await deliveriesOf(id)).every((d) => d.status === 'DELIVERED' && d.attempts === 1)).toBe(true);
    } finally {
      await second.close();
    }
    await quiet([id]);
  });
});

describe('time-driven events', () => {
  it('key.expiring once per lead time, then key.expired once', async () => {
    const scoped = await tenantWithKey('Expiry');
    const { id } = await createEndpoint(['key.expiring', 'key.expired'], receiver.url, scoped.owner.token);
    const key = await createTestKey(t.app, scoped.id, { ownerId: scoped.owner.id, expiresAt: new Date(clock().getTime() + 3 * DAY) });
    const events = async () => (await deliveriesOf(id)).map((d) => [d.eventType, JSON.parse(d.payload).data.changes.leadSeconds ?? null]);
    await t.app.webhooks.runExpiry();
    await t.app.webhooks.runExpiry();
    expect(await events(), JSON.stringify(await deliveriesOf(id))).toEqual([['key.expiring', 604_800]]);
    offset += 2.5 * DAY;
    await Promise.all([t.app.webhooks.runExpiry(), t.app.webhooks.runExpiry()]);
    expect(await events()).toEqual([['key.expiring', 604_800], ['key.expiring', 86_400]]);
    offset += DAY;
    await t.app.webhooks.runExpiry();
    await t.app.webhooks.runExpiry();
    expect(await events()).toEqual([['key.expiring', 604_800], ['key.expiring', 86_400], ['key.expired', null]]);
    const start = receiver.received.length;
    await drain();
    expect(receiver.received.slice(start).map((r) => JSON.parse(r.body).data.target.id)).toEqual([key.id, key.id, key.id]);
    await quiet([id]);
  });
});

describe('SSRF defence', () => {
  const allowedNone = { timeoutMs: 2000, requireHttps: false, allowed: [] };
  const loopback = { ...allowedNone, allowed: parseCidrList('127.0.0.0/8') };

  it('refuses loopback and private addresses, also behind a host name', async () => {
    const start = receiver.received.length;
    for (const url of [receiver.url, receiver.url.replace('127.0.0.1', 'localhost'), 'http://10.1.2.3/', 'http://[::ffff:127.0.0.1]/']) {
      const result = await postWebhook(url, {}, '{}', allowedNone);
      expect(result.ok, url).toBe(false);
      expect(result.status).toBeNull();
    }
    expect(receiver.received.length).toBe(start);
  });

  it('requires https when told to', async () => {
    const result = await postWebhook(receiver.url, {}, '{}', { ...loopback, requireHttps: true });
    expect(result).toMatchObject({ ok: false, status: null, error: 'URL must use https' });
  });

  it('does not follow redirects', async () => {
    const target = await startReceiver('/target');
    const redirecting = await startReceiver('/redirect');
    redirecting.respond = (_req, res) => res.writeHead(302, { location: target.url }).end();
    try {
      const result = await postWebhook(redirecting.url, {}, '{}', loopback);
      expect(result).toMatchObject({ ok: false, status: 302, error: 'redirect (302) not followed' });
      expect(target.received).toHaveLength(0);
    } finally {
      await target.close();
      await redirecting.close();
    }
  });

  it('reads at most a small part of a huge response body', async () => {
    const big = await startReceiver('/big');
    big.respond = (_req, res) => {
      res.writeHead(200);
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => { while (sent < 200 && res.write(chunk)) sent++; if (sent < 200) res.once('drain', pump); else res.end(); };
      pump();
    };
    try {
      const result = await postWebhook(big.url, {}, '{}', loopback);
      expect(result.status).toBe(200);
      expect(result.error).toMatch(/not read further/);
      expect(result.body.length).toBeLessThanOrEqual(1024);
    } finally {
      await big.close();
    }
  });

  it('times out a receiver that never answers', async () => {
    const slow = await startReceiver('/slow');
    slow.respond = () => {};
    try {
      const result = await postWebhook(slow.url, {}, '{}', { ...loopback, timeoutMs: 300 });
      expect(result).toMatchObject({ ok: false, status: null, error: 'timed out after 300 ms' });
    } finally {
      await slow.close();
    }
  });
});

describe('secrets stay secret', () => {
  it('no whsec_ secret in logs, audit or any later answer', async () => {
    const everything = await t.graphql(
      `{ webhookEndpoints { edges { node { id url previousSecretExpiresAt deliveries { edges { node { payload lastError attemptLog { responseBody error } } } } } } } }`,
      {}, { token: tenant.owner.token },
    );
    const audit = JSON.stringify(await t.app.db.prisma.auditEvent.findMany());
    const payloads = JSON.stringify(await t.app.db.prisma.webhookDelivery.findMany({ select: { payload: true } }));
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      const body = secret.slice(6);
      expect(everything.body).not.toContain(body);
      expect(audit).not.toContain(body);
      expect(payloads).not.toContain(body);
      expect(t.logs.text()).not.toContain(body);
    }
  });
});
