import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.ts';
import { diff, recordAudit, verifyAuditChain } from '../../src/services/audit.ts';
import { GENESIS_HASH, auditHash } from './hash.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { memberWithScopes } from '../harness/authCases.ts';
import { createTenant, platformToken, type TestTenant } from '../harness/fixtures.ts';
import { expectNoSecretsInAudit } from './support.ts';

// The hash chain: every event links to the one before; editing or deleting a stored row is
// reported at the exact event where the chain stops checking out.

const VERIFY = `query($tenantId: ID) { verifyAuditChain(tenantId: $tenantId) {
  ok checkedEvents firstSeq lastSeq lastHash firstBrokenSeq firstBrokenEventId reason } }`;
const RENAME = `mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { __typename } }`;

let t: TestApp;
let platform: string;
const plaintexts: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  platform = await platformToken(t.app);
  plaintexts.push(platform);
});
afterAll(async () => {
  if (t) await expectNoSecretsInAudit(t.app, plaintexts);
  await t?.close();
});

const sql = (query: string, ...values: unknown[]) => t.app.db.prisma.$executeRawUnsafe(query, ...values);
const events = (tenantId: string) => t.app.db.prisma.auditEvent.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } });

/** A tenant with `count` tenant.updated events made through the API (seq 1..count). */
async function tenantWithEvents(count: number): Promise<TestTenant> {
  const tenant = await createTenant(t.app);
  plaintexts.push(tenant.owner.token);
  for (let i = 1; i <= count; i++) {
    const response = await t.graphql(RENAME, { input: { id: tenant.id, name: `Name ${i}` } }, { token: platform });
    expect(response.data.updateTenant.__typename).toBe('TenantPayload');
  }
  return tenant;
}

async function verify(tenant: TestTenant) {
  const response = await t.graphql(VERIFY, {}, { token: tenant.owner.token });
  expect(response.errors).toBeUndefined();
  return response.data.verifyAuditChain;
}

function systemContext(): Pick<Context, 'caller' | 'request'> {
  return { caller: { kind: 'platform', credentialId: 'plt_test' }, request: { id: 'req-test', ip: '192.0.2.1', userAgent: 'chain-test' } };
}

describe('the chain as written', () => {
  it('links each event to the previous one, from the genesis hash, seq without gaps', async () => {
    const tenant = await tenantWithEvents(4);
    const rows = await events(tenant.id);
    expect(rows.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    for (const row of rows) expect(auditHash(row)).toBe(row.hash);
    expect(await verify(tenant)).toEqual({
      ok: true, checkedEvents: 4, firstSeq: 1, lastSeq: 4, lastHash: rows[3]!.hash, firstBrokenSeq: null, firstBrokenEventId: null, reason: null,
    });
  });

  it('stays one chain under concurrent writers', async () => {
    const tenant = await createTenant(t.app);
    await Promise.all(Array.from({ length: 20 }, (_, i) =>
      t.app.db.prisma.$transaction((tx) => recordAudit(tx, systemContext(), { tenantId: tenant.id, action: 'test.concurrent', changes: { i } }))));
    expect((await events(tenant.id)).map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await verifyAuditChain(t.app.db.prisma, tenant.id)).ok).toBe(true);
  });

  it('writes nothing when the transaction rolls back, and the next event takes the seq', async () => {
    const tenant = await tenantWithEvents(1);
    await expect(t.app.db.prisma.$transaction(async (tx) => {
      await recordAudit(tx, systemContext(), { tenantId: tenant.id, action: 'test.rolled_back' });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect((await events(tenant.id)).map((e) => e.action)).toEqual(['tenant.updated']);
    await t.app.db.prisma.$transaction((tx) => recordAudit(tx, systemContext(), { tenantId: tenant.id, action: 'test.committed' }));
    expect((await events(tenant.id)).map((e) => [e.seq, e.action])).toEqual([[1, 'tenant.updated'], [2, 'test.committed']]);
    expect((await verify(tenant)).ok).toBe(true);
  });

  it('records the actor, address, user agent and request id of the request', async () => {
    const tenant = await createTenant(t.app);
    const response = await t.graphql(RENAME, { input: { id: tenant.id, name: 'Traced' } }, {
      token: tenant.owner.token, ip: '198.51.100.23', headers: { 'user-agent': 'audit-test/1.0', 'x-request-id': 'req-audit-1' },
    });
    expect(response.data.updateTenant.__typename).toBe('TenantPayload');
    const [event] = await events(tenant.id);
    expect(event).toMatchObject({
      actorType: 'MEMBER', actorId: tenant.owner.id, actorPublicId: null, action: 'tenant.updated', targetType: 'Tenant', targetId: tenant.id,
      ip: '198.51.100.23', userAgent: 'audit-test/1.0', requestId: 'req-audit-1', changes: { name: { before: 'Tenant', after: 'Traced' } },
    });
    expect(Math.abs(event!.createdAt.getTime() - Date.now())).toBeLessThan(10_000);
  });

  it('never stores secret-named fields or credential-looking values', async () => {
    const tenant = await createTenant(t.app);
    const token = 'kws_' + 'A'.repeat(43);
    await t.app.db.prisma.$transaction((tx) => recordAudit(tx, systemContext(), {
      tenantId: tenant.id, action: 'test.secrets',
      changes: {
        name: 'kept', password: 'hunter2hunter2', secretHash: '$argon2id$v=19$m=19456,t=2,p=1$abc', tokenHash: 'ab'.repeat(32),
        nested: { clientSecret: 'shh-shh-shh', label: 'also kept', list: [{ apiToken: 'x' }, token] },
        note: '$argon2id$v=19$leaked', pasted: token,
        ...diff({ passwordHash: 'old', name: 'a' }, { passwordHash: 'new', name: 'b' }),
      },
    }));
    const [event] = await events(tenant.id);
    expect(event!.changes).toEqual({
      name: { before: 'a', after: 'b' }, nested: { label: 'also kept', list: [{}, '[redacted]'] }, note: '[redacted]', pasted: '[redacted]',
    });
    expect((await verify(tenant)).ok).toBe(true);
  });
});

describe('tampering', () => {
  it.each([
    ['the action', `UPDATE "AuditEvent" SET action = 'tenant.viewed' WHERE id = $1`],
    ['the changes JSON', `UPDATE "AuditEvent" SET changes = jsonb_set(changes, '{name,after}', '"Innocent"') WHERE id = $1`],
    ['the time', `UPDATE "AuditEvent" SET "createdAt" = "createdAt" - interval '1 day' WHERE id = $1`],
    ['the actor', `UPDATE "AuditEvent" SET "actorId" = 'mem_someoneelse' WHERE id = $1`],
    ['the source address', `UPDATE "AuditEvent" SET ip = '10.0.0.1' WHERE id = $1`],
    ['the id', `UPDATE "AuditEvent" SET id = 'aud_0000000000000000000000000x' WHERE id = $1`],
  ])('editing %s of an event is reported at that event', async (_label, statement) => {
    const tenant = await tenantWithEvents(5);
    const target = (await events(tenant.id))[2]!;
    expect(await sql(statement, target.id)).toBe(1);
    const result = await verify(tenant);
    const edited = (await events(tenant.id))[2]!;
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 3, firstBrokenEventId: edited.id, checkedEvents: 3 });
    expect(result.reason).toMatch(/content does not match its hash/);
  });

  it('an edit that also rewrites the event\'s hash is reported at the next event', async () => {
    const tenant = await tenantWithEvents(5);
    const rows = await events(tenant.id);
    const forged = { ...rows[1]!, action: 'tenant.viewed' };
    await sql(`UPDATE "AuditEvent" SET action = $1, hash = $2 WHERE id = $3`, forged.action, auditHash(forged), forged.id);
    const result = await verify(tenant);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 3, firstBrokenEventId: rows[2]!.id });
    expect(result.reason).toMatch(/prevHash does not match the hash of event seq 2/);
  });

  it('deleting an event in the middle is reported at the event after it', async () => {
    const tenant = await tenantWithEvents(6);
    const rows = await events(tenant.id);
    await sql(`DELETE FROM "AuditEvent" WHERE id = $1`, rows[3]!.id);
    const result = await verify(tenant);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 5, firstBrokenEventId: rows[4]!.id, lastSeq: 3 });
    expect(result.reason).toMatch(/Event seq 4 is missing/);
  });

  it('deleting several events and renumbering the rest is still reported', async () => {
    const tenant = await tenantWithEvents(6);
    const rows = await events(tenant.id);
    await sql(`DELETE FROM "AuditEvent" WHERE id = ANY($1::text[])`, [rows[2]!.id, rows[3]!.id]);
    await sql(`UPDATE "AuditEvent" SET seq = seq - 2 WHERE "tenantId" = $1 AND seq > 4`, tenant.id);
    const result = await verify(tenant);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 3, firstBrokenEventId: rows[4]!.id });
  });

  it('deleting the first events (not by retention) is reported at the first kept event', async () => {
    const tenant = await tenantWithEvents(4);
    const rows = await events(tenant.id);
    await sql(`DELETE FROM "AuditEvent" WHERE id = ANY($1::text[])`, [rows[0]!.id, rows[1]!.id]);
    const result = await verify(tenant);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 3, firstBrokenEventId: rows[2]!.id, checkedEvents: 1 });
    expect(result.reason).toMatch(/before seq 3 are missing and no retention purge removed them/);
  });

  it('finds a break beyond the first batch, reading in batches', async () => {
    const tenant = await tenantWithEvents(11);
    const rows = await events(tenant.id);
    await sql(`DELETE FROM "AuditEvent" WHERE id = $1`, rows[8]!.id);
    const result = await verifyAuditChain(t.app.db.prisma, tenant.id, 3);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 10, firstBrokenEventId: rows[9]!.id, checkedEvents: 9 });
    expect((await verifyAuditChain(t.app.db.prisma, (await tenantWithEvents(7)).id, 3))).toMatchObject({ ok: true, checkedEvents: 7 });
  });

  it('reports an empty chain as intact', async () => {
    const tenant = await createTenant(t.app);
    expect(await verify(tenant)).toMatchObject({ ok: true, checkedEvents: 0, firstSeq: null, lastSeq: null });
  });
});

describe('who may verify', () => {
  it('the platform operator, naming any tenant', async () => {
    const tenant = await tenantWithEvents(2);
    const response = await t.graphql(VERIFY, { tenantId: tenant.id }, { token: platform });
    expect(response.data.verifyAuditChain).toMatchObject({ ok: true, checkedEvents: 2 });
    const unnamed = await t.graphql(VERIFY, {}, { token: platform });
    expect(unnamed.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
    const unknown = await t.graphql(VERIFY, { tenantId: 'ten_00000000000000000000000000' }, { token: platform });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a holder of audit:read, for its own tenant only', async () => {
    const tenant = await tenantWithEvents(1);
    const other = await tenantWithEvents(1);
    const reader = await memberWithScopes(t, tenant, ['audit:read']);
    expect((await t.graphql(VERIFY, {}, { token: reader.token })).data.verifyAuditChain.ok).toBe(true);
    expect((await t.graphql(VERIFY, { tenantId: tenant.id }, { token: reader.token })).data.verifyAuditChain.ok).toBe(true);
    const cross = await t.graphql(VERIFY, { tenantId: other.id }, { token: reader.token });
    expect(cross.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(cross.data?.verifyAuditChain ?? null).toBeNull();
  });

  it('nobody else', async () => {
    const tenant = await tenantWithEvents(1);
    const anonymous = await t.graphql(VERIFY, { tenantId: tenant.id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const member = await tenant.addMember('MEMBER');
    const forbidden = await t.graphql(VERIFY, {}, { token: member.token });
    expect(forbidden.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['audit:read'] });
  });
});
