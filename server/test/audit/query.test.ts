import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.ts';
import { recordAudit } from '../../src/services/audit.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { memberWithScopes } from '../harness/authCases.ts';
import { createTenant, platformToken, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';
import { expectNoSecretsInAudit } from './support.ts';

// The auditEvents connection: newest first by seq, stable cursor pages, filters, and no way to
// reach another tenant's events (query, node, cursor).

const LIST = `query($tenantId: ID, $filter: AuditEventFilter, $first: Int, $after: String, $last: Int, $before: String) {
  auditEvents(tenantId: $tenantId, filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id seq action actorType actorId actorPublicId targetType targetId ip userAgent requestId changes createdAt prevHash hash tenantId } }
    pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`;
const NODE = 'query($id: ID!) { node(id: $id) { __typename id ... on AuditEvent { seq action } } }';
const UPDATE_KEY = 'mutation($input: UpdateKeyInput!) { updateKey(input: $input) { __typename } }';

let t: TestApp;
let platform: string;
let tenant: TestTenant;
let other: TestTenant;
let key: TestKey;
const plaintexts: string[] = [];

const actor = (id: string): Pick<Context, 'caller' | 'request'> => ({ caller: { kind: 'platform', credentialId: id }, request: { id: `req-${id}`, ip: '192.0.2.5', userAgent: 'query-test' } });
const write = (tenantId: string, action: string, by = 'plt_one', target: { targetType?: string; targetId?: string } = {}) =>
  t.app.db.prisma.$transaction((tx) => recordAudit(tx, actor(by), { tenantId, action, ...target, changes: { note: action } }));

beforeAll(async () => {
  // The trail's sequence numbers are asserted exactly: no timed usage flush may add a
  // key.used_from_new_network event (the key below is also a caller) between two reads.
  t = await createTestApp({ env: { KEYWARDEN_USAGE_FLUSH_MS: '3600000' } });
  platform = await platformToken(t.app);
  tenant = await createTenant(t.app, 'Queried');
  other = await createTenant(t.app, 'Other');
  key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read', 'keys:write', 'audit:read'] });
  plaintexts.push(platform, tenant.owner.token, other.owner.token, key.text, key.secret);
  // seq 1-6 in `tenant`; two in `other`.
  await write(tenant.id, 'key.created', 'plt_one', { targetType: 'ApiKey', targetId: 'key_a' });
  await write(tenant.id, 'key.revoked', 'plt_two', { targetType: 'ApiKey', targetId: 'key_a' });
  await write(tenant.id, 'member.created', 'plt_one', { targetType: 'Member', targetId: 'mem_a' });
  await write(tenant.id, 'keys.bulkUpdated', 'plt_one');
  await write(tenant.id, 'group.created', 'plt_two', { targetType: 'Group', targetId: 'grp_a' });
  const update = await t.graphql(UPDATE_KEY, { input: { id: key.id, description: 'by itself' } }, { token: key.text });
  expect(update.data.updateKey.__typename).toBe('ApiKeyPayload');
  await write(other.id, 'key.created');
  await write(other.id, 'key.revoked');
});
afterAll(async () => {
  if (t) await expectNoSecretsInAudit(t.app, plaintexts);
  await t?.close();
});

async function list(variables: Record<string, unknown>, token = tenant.owner.token) {
  const response = await t.graphql(LIST, variables, { token });
  expect(response.errors, response.body).toBeUndefined();
  return response.data.auditEvents as { edges: { cursor: string; node: any }[]; pageInfo: any };
}
const seqs = (connection: { edges: { node: { seq: number } }[] }) => connection.edges.map((e) => e.node.seq);

describe('auditEvents', () => {
  it('lists the tenant\'s events newest first, with every field', async () => {
    const all = await list({});
    expect(seqs(all)).toEqual([6, 5, 4, 3, 2, 1]);
    const stored = await t.app.db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, seq: 2 } });
    expect(all.edges[4]!.node).toEqual({
      ...stored, createdAt: stored.createdAt.toISOString(), changes: { note: 'key.revoked' },
    });
    // An API key acted: its public id is named.
    expect(all.edges[0]!.node).toMatchObject({ action: 'key.updated', actorType: 'API_KEY', actorId: key.id, actorPublicId: key.publicId, targetId: key.id });
  });

  it('pages with stable cursors, forwards and backwards', async () => {
    const first = await list({ first: 4 });
    expect(seqs(first)).toEqual([6, 5, 4, 3]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    await write(tenant.id, 'test.meanwhile'); // a new event does not shift the next page
    try {
      const second = await list({ first: 4, after: first.pageInfo.endCursor });
      expect(seqs(second)).toEqual([2, 1]);
      expect(second.pageInfo.hasNextPage).toBe(false);
      const back = await list({ last: 2, before: second.edges[0]!.cursor });
      expect(seqs(back)).toEqual([4, 3]);
    } finally {
      await t.app.db.prisma.auditEvent.deleteMany({ where: { tenantId: tenant.id, action: 'test.meanwhile' } });
    }
  });

  it.each([
    ['an exact action', { action: 'key.created' }, [1]],
    ['an action prefix', { action: 'key.' }, [6, 2, 1]],
    ['a prefix that is not a whole segment matches nothing', { action: 'key' }, []],
    ['the actor', { actorId: 'plt_two' }, [5, 2]],
    ["a key's public id as actor", { actorId: 'PUBLIC_ID' }, [6]],
    ['the actor type', { actorType: 'API_KEY' }, [6]],
    ['the target type', { targetType: 'ApiKey' }, [6, 2, 1]],
    ['the target', { targetId: 'key_a' }, [2, 1]],
    ['several at once', { action: 'key.', actorId: 'plt_one' }, [1]],
  ])('filters by %s', async (_label, filter: Record<string, string>, expected) => {
    const resolved = filter.actorId === 'PUBLIC_ID' ? { ...filter, actorId: key.publicId } : filter;
    expect(seqs(await list({ filter: resolved }))).toEqual(expected);
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const rows = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'asc' } });
    const from = rows[2]!.createdAt.toISOString();
    const to = rows[4]!.createdAt.toISOString();
    const within = seqs(await list({ filter: { from, to } }));
    expect(within).toEqual(rows.filter((r) => r.createdAt >= rows[2]!.createdAt && r.createdAt < rows[4]!.createdAt).map((r) => r.seq).reverse());
    expect(within).toContain(3);
    expect(within).not.toContain(5);
  });

  it('is open to holders of audit:read (members and keys) and the platform operator naming the tenant', async () => {
    const reader = await memberWithScopes(t, tenant, ['audit:read']);
    plaintexts.push(reader.token);
    expect(seqs(await list({}, reader.token))).toEqual([6, 5, 4, 3, 2, 1]);
    expect(seqs(await list({}, key.text))).toEqual([6, 5, 4, 3, 2, 1]);
    expect(seqs(await list({ tenantId: other.id }, platform))).toEqual([2, 1]);
    const unnamed = await t.graphql(LIST, {}, { token: platform });
    expect(unnamed.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });

  it('is refused without a credential or without audit:read', async () => {
    expect((await t.graphql(LIST, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const member = await tenant.addMember('MEMBER');
    plaintexts.push(member.token);
    const forbidden = await t.graphql(LIST, {}, { token: member.token });
    expect(forbidden.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['audit:read'] });
  });
});

describe("another tenant's events are out of reach", () => {
  it('by naming the tenant', async () => {
    const response = await t.graphql(LIST, { tenantId: other.id }, { token: tenant.owner.token });
    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(response.data?.auditEvents ?? null).toBeNull();
  });

  it('by node(id:)', async () => {
    const [theirs] = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: other.id } });
    const [ours] = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, seq: 1 } });
    expect((await t.graphql(NODE, { id: ours!.id }, { token: tenant.owner.token })).data.node).toEqual({ __typename: 'AuditEvent', id: ours!.id, seq: 1, action: 'key.created' });
    const cross = await t.graphql(NODE, { id: theirs!.id }, { token: tenant.owner.token });
    expect(cross.errors).toBeUndefined();
    expect(cross.data.node).toBeNull();
    // Without audit:read, not even one's own tenant's event.
    const member = await tenant.addMember('MEMBER');
    plaintexts.push(member.token);
    const forbidden = await t.graphql(NODE, { id: ours!.id }, { token: member.token });
    expect(forbidden.data?.node ?? null).toBeNull();
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('by a cursor naming one of its events', async () => {
    const theirs = await list({ tenantId: other.id, first: 1 }, platform);
    const cross = await t.graphql(LIST, { first: 2, after: theirs.pageInfo.endCursor }, { token: tenant.owner.token });
    expect(cross.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Also for the platform operator listing one tenant with another's cursor.
    const mixed = await t.graphql(LIST, { tenantId: tenant.id, first: 2, after: theirs.pageInfo.endCursor }, { token: platform });
    expect(mixed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('and none of its events appear in any list', async () => {
    const all = await list({ first: 100 });
    expect(all.edges.every((e) => e.node.tenantId === tenant.id)).toBe(true);
  });
});
