import { beforeAll, describe, expect, it } from 'vitest';
import { formatKey, parseKey } from '@keywarden/sdk/key-format';
import { generatePublicId, generateSecret } from '../../src/domain/keyFormat.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, verifyKey, type TestKey } from '../harness/keys.ts';

// Canary keys (honeytokens): made by createKey(canary: true), formatted like any key, never valid.
// Every use, on every path and in every credential form, is answered byte for byte as an unknown
// key is, and the audit event `canary.triggered` is committed before that answer.

const FAILED_PER_ADDRESS = 6;
const t = useTestApp({ verification: { failedAttemptsPerAddress: FAILED_PER_ADDRESS } });
let tenant: TestTenant;
let other: TestTenant;
let resourceServer: TestKey;
let otherResourceServer: TestKey;
let canary: Awaited<ReturnType<typeof createKey>>;
let real: { id: string; text: string };

const CREATE = `mutation($input: CreateKeyInput!) { createKey(input: $input) { __typename
  ... on CreateKeyPayload { secret apiKey { id publicId maskedKey canary } } ... on Error { code message } } }`;

async function createKey(token: string, input: Record<string, unknown>) {
  const response = await t.graphql(CREATE, { input }, { token });
  expect(response.errors, response.body).toBeUndefined();
  expect(response.data.createKey.__typename, response.body).toBe('CreateKeyPayload');
  const { secret, apiKey } = response.data.createKey;
  const parsed = parseKey(secret);
  if (!parsed.ok) throw new Error('not a key');
  return { id: apiKey.id as string, text: secret as string, publicId: apiKey.publicId as string, secret: parsed.secret, apiKey };
}

/** A well-formed key no tenant has: what a canary must look like to whoever presents it. */
function unknownKey(): string {
  return formatKey('kw', generatePublicId(), generateSecret());
}

let nextAddress = 1;
/** A fresh client address per check: the answers and the throttles start from the same state. */
const freshAddress = () => `198.51.100.${nextAddress++}`;

async function canaryEvents(tenantId: string, address?: string) {
  return t.app.db.prisma.auditEvent.findMany({ where: { tenantId, action: 'canary.triggered', ...(address && { ip: address }) }, orderBy: { seq: 'asc' } });
}

/** A whole answer as text, the request id taken out (it differs per request by design). */
async function snapshot(response: Response): Promise<{ status: number; headers: [string, string][]; body: string }> {
  const requestId = response.headers.get('x-request-id') ?? '\u0000';
  const headers = [...response.headers].filter(([name]) => name !== 'x-request-id' && name !== 'date').sort();
  return { status: response.status, headers, body: withoutRequestIds((await response.text()).replaceAll(requestId, '<request-id>')) };
}

beforeAll(async () => {
  tenant = await createTenant(t.app, 'Bait');
  other = await createTenant(t.app, 'Other');
  resourceServer = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
  otherResourceServer = await createTestKey(t.app, other.id, { ownerId: other.owner.id, scopes: ['keys:verify'] });
  canary = await createKey(tenant.owner.token, { name: 'Stripe live key (old)', scopes: ['keys:read'], canary: true });
  real = await createKey(tenant.owner.token, { name: 'Stripe live key (new)', scopes: ['keys:read'] });
  const map = await t.graphql(`mutation($input: SetRouteMapInput!) { setRouteMap(input: $input) { __typename } }`,
    { input: { defaultAction: 'DENY', routes: [{ pattern: 'GET /v1/tickets', scopes: [] }] } }, { token: tenant.owner.token });
  expect(map.data?.setRouteMap?.__typename, map.body).toBe('RouteMapPayload');
});

/** A response body with its request ids taken out. */
const withoutRequestIds = (body: string) => body.replace(/"requestId":"[^"]*"/g, '"requestId":"<id>"');

describe('createKey(canary: true)', () => {
  it('looks like any key and is recorded as a canary only where keys are read', async () => {
    expect(canary.apiKey.canary).toBe(true);
    expect(canary.text.length).toBe(real.text.length);
    expect(canary.text).toMatch(/^kw_pk_[A-Za-z0-9]+$/);
    expect(canary.apiKey.maskedKey).toMatch(/^kw_…[A-Za-z0-9]{4}$/);
    const created = await t.app.db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: 'key.created', targetId: canary.id } });
    expect(created.changes).toMatchObject({ canary: true });
    const createdReal = await t.app.db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, action: 'key.created', targetId: real.id } });
    expect(createdReal.changes).not.toHaveProperty('canary');
  });

  it('refuses a canary value that is not a boolean', async () => {
    const response = await t.graphql(CREATE, { input: { name: 'x', canary: 'yes' } }, { token: tenant.owner.token });
    expect(response.errors?.[0]?.message).toMatch(/Boolean/);
  });

  it('shows `canary` to a key reader; a caller without keys:read cannot tell the two keys apart', async () => {
    const listed = await t.graphql(`{ apiKeys(first: 50) { edges { node { id canary } } } }`, {}, { token: tenant.owner.token });
    const byId = new Map(listed.data.apiKeys.edges.map((e: any) => [e.node.id, e.node.canary]));
    expect(byId.get(canary.id)).toBe(true);
    expect(byId.get(real.id)).toBe(false);

    const verifierMember = await tenant.addMember({ roleId: (await customRole(['keys:verify'])) });
    const answers = await Promise.all([canary.id, real.id].map(async (id) => {
      const one = await t.graphql(`query($id: ID!) { apiKey(id: $id) { id canary } }`, { id }, { token: verifierMember.token });
      const list = await t.graphql(`{ apiKeys(first: 50) { edges { node { id } } } }`, {}, { token: verifierMember.token });
      return [one.status, withoutRequestIds(one.body.replace(id, '<id>')), list.status, withoutRequestIds(list.body)];
    }));
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]![1]).toMatch(/FORBIDDEN|keys:read/);
  });
});

async function customRole(scopes: string[]): Promise<string> {
  const response = await t.graphql(`mutation($input: CreateRoleInput!) { createRole(input: $input) { __typename ... on RolePayload { role { id } } ... on Error { message } } }`,
    { input: { name: `role-${nextAddress++}`, scopes } }, { token: tenant.owner.token });
  expect(response.data?.createRole?.__typename, response.body).toBe('RolePayload');
  return response.data.createRole.role.id;
}

describe('any use answers exactly as an unknown key and is recorded at once', () => {
  const basic = (publicId: string, secret: string) => `Basic ${Buffer.from(`${publicId}:${secret}`).toString('base64')}`;

  /** The same request with the canary and with an unknown key, each from a fresh address. */
  async function compare(send: (key: { text: string; publicId: string; secret: string }, address: string) => Promise<Response>) {
    const unknownText = unknownKey();
    const unknown = parseKey(unknownText);
    if (!unknown.ok) throw new Error('unreachable');
    const canaryAddress = freshAddress();
    const before = (await canaryEvents(tenant.id)).length;
    const withCanary = await snapshot(await send(canary, canaryAddress));
    // The event is there as soon as the answer is: no flush, no wait.
    const events = await canaryEvents(tenant.id, canaryAddress);
    expect(events).toHaveLength(1);
    expect((await canaryEvents(tenant.id)).length).toBe(before + 1);
    const withUnknown = await snapshot(await send({ text: unknownText, publicId: unknown.publicId, secret: unknown.secret }, freshAddress()));
    expect(withCanary).toEqual(withUnknown);
    return { answer: withCanary, event: events[0]! };
  }

  it('POST /v1/verify (the key in the body), with the address, user agent and endpoint recorded', async () => {
    const { answer, event } = await compare((key, ip) => t.fetch('/v1/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${resourceServer.text}`, 'user-agent': 'billing-api/2.1' },
      body: JSON.stringify({ key: key.text, ip, endpoint: 'GET /v1/invoices' }),
    }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect(event).toMatchObject({ targetType: 'ApiKey', targetId: canary.id, actorType: 'SYSTEM', userAgent: 'billing-api/2.1' });
    expect(event.changes).toMatchObject({
      publicId: canary.publicId, address: event.ip, peerAddress: '127.0.0.1', via: 'rest', endpoint: 'GET /v1/invoices',
      route: 'POST /v1/verify', userAgent: 'billing-api/2.1', genuine: true, repeatsSinceLastEvent: 0,
    });
  });

  it('the GraphQL verify query', async () => {
    await compare((key, ip) => t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${resourceServer.text}` },
      body: JSON.stringify({ query: 'query($input: VerifyInput!) { verify(input: $input) { valid code message } }', variables: { input: { key: key.text, ip } } }),
    }));
  });

  const forms: [string, (key: { text: string; publicId: string; secret: string }) => Record<string, string>][] = [
    ['Bearer', (key) => ({ authorization: `Bearer ${key.text}` })],
    ['X-API-Key', (key) => ({ 'x-api-key': key.text })],
    ['Basic public-id:secret', (key) => ({ authorization: basic(key.publicId, key.secret) })],
    ['rest_api_key=', (key) => ({ authorization: `rest_api_key=${key.text}` })],
  ];

  for (const [form, header] of forms) {
    it(`the management API, ${form}`, async () => {
      const { answer, event } = await compare((key, ip) => t.fetch('/graphql', {
        method: 'POST', headers: { 'content-type': 'application/json', ...header(key) }, body: JSON.stringify({ query: '{ viewer { kind } }' }),
      }, { ip }));
      expect(answer.status).toBe(401);
      expect(event.changes).toMatchObject({ via: 'auth', route: 'POST /graphql', genuine: true });
    });

    it(`/v1/forward-auth, ${form}`, async () => {
      const { answer } = await compare((key, ip) => t.fetch('/v1/forward-auth', {
        headers: { 'x-keywarden-caller': `Bearer ${resourceServer.text}`, 'x-original-method': 'GET', 'x-original-uri': '/v1/tickets', 'x-forwarded-for': ip, ...header(key) },
      }, { ip }));
      expect(answer.status).toBe(401);
    });
  }

  it('POST /oauth/token (client credentials) and /oauth/introspect (the canary as the client)', async () => {
    const { answer } = await compare((key, ip) => t.fetch('/oauth/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(key.publicId, key.text) },
      body: 'grant_type=client_credentials',
    }, { ip }));
    expect(answer.status).toBe(401);
    await compare((key, ip) => t.fetch('/oauth/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: key.publicId, client_secret: key.secret }).toString(),
    }, { ip }));
    await compare((key, ip) => t.fetch('/oauth/introspect', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(key.publicId, key.text) },
      body: 'token=kwt_' + 'a'.repeat(43),
    }, { ip }));
  });

  it("a resource server of another tenant gets the unknown-key answer; the event goes to the canary's tenant only", async () => {
    const otherBefore = (await canaryEvents(other.id)).length;
    await compare((key, ip) => t.fetch('/v1/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${otherResourceServer.text}` },
      body: JSON.stringify({ key: key.text, ip }),
    }));
    expect(await canaryEvents(other.id)).toHaveLength(otherBefore);
  });

  it('a wrong secret for the canary is recorded too, saying so', async () => {
    const address = freshAddress();
    const forged = formatKey('kw', canary.publicId, generateSecret());
    const answer = await verifyKey(t, resourceServer.text, { key: forged, ip: address });
    expect(answer.body).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    const [event] = await canaryEvents(tenant.id, address);
    expect(event!.changes).toMatchObject({ genuine: false });
  });
});

describe('throttles and repeats', () => {
  it('an address the failed-attempt throttle refuses unread still has its canary use recorded', async () => {
    // A new canary: not cached on this instance, so its record would not be read for a throttled address.
    const fresh = await createKey(tenant.owner.token, { name: 'deploy token', canary: true });
    const address = freshAddress();
    for (let i = 0; i < FAILED_PER_ADDRESS; i++) await verifyKey(t, resourceServer.text, { key: unknownKey(), ip: address });
    const throttledUnknown = await verifyKey(t, resourceServer.text, { key: unknownKey(), ip: address });
    expect(throttledUnknown.body).toMatchObject({ valid: false, code: 'RATE_LIMITED' });

    const answer = await verifyKey(t, resourceServer.text, { key: fresh.text, ip: address });
    expect(answer.status).toBe(throttledUnknown.status);
    expect(answer.body).toEqual(throttledUnknown.body);
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, action: 'canary.triggered', targetId: fresh.id } });
    expect(events).toHaveLength(1);
    // Not checked while throttled: no argon2 for a refused address.
    expect(events[0]!.changes).toMatchObject({ address, genuine: null });
  });

  it('repeats from one address within the window are counted, not written; another address is written at once', async () => {
    const address = freshAddress();
    for (let i = 0; i < 3; i++) await verifyKey(t, resourceServer.text, { key: canary.text, ip: address });
    expect(await canaryEvents(tenant.id, address)).toHaveLength(1);
    const elsewhere = freshAddress();
    await verifyKey(t, resourceServer.text, { key: canary.text, ip: elsewhere });
    expect(await canaryEvents(tenant.id, elsewhere)).toHaveLength(1);
  });
});

describe('the secret stays out of everything', () => {
  it('never appears in the audit trail or the logs', async () => {
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id } });
    const trail = JSON.stringify(events);
    expect(trail).toContain('canary.triggered');
    expect(trail).not.toContain(canary.secret);
    expect(trail).not.toContain(canary.text);
    expect(t.logs.text()).toContain('canary key used');
    expect(t.logs.text()).not.toContain(canary.secret);
  });
});
