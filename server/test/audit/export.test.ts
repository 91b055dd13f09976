import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Context } from '../../src/context.ts';
import { recordAudit } from '../../src/services/audit.ts';
import { GENESIS_HASH, auditHash } from './hash.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { memberWithScopes } from '../harness/authCases.ts';
import { createTenant, platformToken, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey } from '../harness/keys.ts';
import { expectNoSecretsInAudit, seedChain } from './support.ts';

// GET /v1/audit/export: NDJSON in seq order, read from the database in batches, with `since`,
// authenticated like the management API and confined to the caller's tenant.

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

const actor: Pick<Context, 'caller' | 'request'> = { caller: { kind: 'platform', credentialId: 'plt_export' }, request: { id: 'req-export', ip: '192.0.2.7', userAgent: 'export-test' } };

async function tenantWithEvents(count: number): Promise<TestTenant> {
  const tenant = await createTenant(t.app);
  plaintexts.push(tenant.owner.token);
  await t.app.db.prisma.$transaction(async (tx) => {
    for (let i = 1; i <= count; i++) await recordAudit(tx, actor, { tenantId: tenant.id, action: i % 2 ? 'test.odd' : 'test.even', changes: { i } });
  }, { timeout: 120_000 });
  return tenant;
}

async function exportAudit(query: string, headers: Record<string, string>) {
  const response = await t.fetch(`/v1/audit/export${query}`, { headers });
  const text = await response.text();
  return { response, text, lines: response.status === 200 ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [], error: response.status === 200 ? null : JSON.parse(text).error };
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the export', () => {
  it('streams every event as one JSON line, in seq order, each line enough to check the chain', async () => {
    const tenant = await tenantWithEvents(5);
    const { response, lines, text } = await exportAudit('', bearer(tenant.owner.token));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(text.endsWith('\n')).toBe(true);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]).toMatchObject({ tenantId: tenant.id, action: 'test.odd', actorType: 'PLATFORM', actorId: 'plt_export', ip: '192.0.2.7', userAgent: 'export-test', requestId: 'req-export', changes: { i: 1 } });
    let prevHash = GENESIS_HASH;
    for (const line of lines) {
      expect(line.prevHash).toBe(prevHash);
      expect(auditHash({ ...line, createdAt: new Date(line.createdAt) })).toBe(line.hash);
      prevHash = line.hash;
    }
  });

  it('pages through the database in batches across batch boundaries', async () => {
    const tenant = await createTenant(t.app);
    await seedChain(t.app, tenant.id, 1_103);
    const findMany = vi.spyOn(t.app.db.prisma.auditEvent, 'findMany');
    try {
      // The platform operator's client is the unconfined one, where the spy sits.
      const { response, lines } = await exportAudit(`?tenantId=${tenant.id}`, bearer(platform));
      expect(response.status).toBe(200);
      expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: 1_103 }, (_, i) => i + 1));
      const takes = findMany.mock.calls.map(([args]) => args?.take);
      expect(takes.length).toBe(3);
      expect(takes.every((take) => take === 500)).toBe(true);
    } finally {
      findMany.mockRestore();
    }
  });

  it('starts after the event named by since, or at the time named by since', async () => {
    const tenant = await tenantWithEvents(6);
    const rows = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'asc' } });
    const afterId = await exportAudit(`?since=${rows[2]!.id}`, bearer(tenant.owner.token));
    expect(afterId.lines.map((l) => l.seq)).toEqual([4, 5, 6]);
    const fromTime = await exportAudit(`?since=${encodeURIComponent(rows[4]!.createdAt.toISOString())}`, bearer(tenant.owner.token));
    expect(fromTime.lines[0].seq).toBeLessThanOrEqual(5);
    expect(fromTime.lines.every((l) => new Date(l.createdAt) >= rows[4]!.createdAt)).toBe(true);
    expect(fromTime.lines.at(-1).seq).toBe(6);
    const future = await exportAudit('?since=2999-01-01T00:00:00Z', bearer(tenant.owner.token));
    expect([future.response.status, future.lines]).toEqual([200, []]);
    const dateOnly = await exportAudit('?since=2000-01-01', bearer(tenant.owner.token));
    expect(dateOnly.lines).toHaveLength(6);
  });

  it.each([
    ['not a time or id', 'yesterday'],
    ['a time without a zone', '2026-01-01T10:00:00'],
    ['an impossible date', '2026-13-45T00:00:00Z'],
    ['an id of another type', 'key_01jd5x8m6qz3v7t2k9w4r0b1cn'],
  ])('answers 400 for a since that is %s', async (_label, since) => {
    const tenant = await tenantWithEvents(1);
    const { response, error } = await exportAudit(`?since=${encodeURIComponent(since)}`, bearer(tenant.owner.token));
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect(error.message).toMatch(/since must be an audit event id \(aud_…\) or an ISO-8601 time/);
  });

  it('answers 404 for an event id the tenant does not have', async () => {
    const tenant = await tenantWithEvents(1);
    const { response, error } = await exportAudit('?since=aud_00000000000000000000000000', bearer(tenant.owner.token));
    expect(response.status).toBe(404);
    expect(error.code).toBe('NOT_FOUND');
  });

  it('refuses other methods', async () => {
    const tenant = await tenantWithEvents(1);
    const response = await t.fetch('/v1/audit/export', { method: 'POST', headers: bearer(tenant.owner.token) });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });
});

describe('who may export', () => {
  it('accepts the management API credential forms of a holder of audit:read', async () => {
    const tenant = await tenantWithEvents(2);
    const key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['audit:read'] });
    plaintexts.push(key.text, key.secret);
    const reader = await memberWithScopes(t, tenant, ['audit:read']);
    plaintexts.push(reader.token);
    for (const headers of [
      bearer(reader.token),
      bearer(key.text),
      { 'x-api-key': key.text },
      { authorization: `Basic ${Buffer.from(`${key.publicId}:${key.secret}`).toString('base64')}` },
    ]) {
      const { response, lines } = await exportAudit('', headers);
      expect(response.status, JSON.stringify(Object.keys(headers))).toBe(200);
      expect(lines.map((l) => l.seq)).toEqual([1, 2]);
    }
  });

  it('answers 401 without a valid credential and 403 without audit:read', async () => {
    const tenant = await tenantWithEvents(1);
    expect((await exportAudit('', {})).response.status).toBe(401);
    expect((await exportAudit('', bearer('kws_' + 'x'.repeat(43)))).response.status).toBe(401);
    const member = await tenant.addMember('MEMBER');
    plaintexts.push(member.token);
    const forbidden = await exportAudit('', bearer(member.token));
    expect(forbidden.response.status).toBe(403);
    expect(forbidden.error).toMatchObject({ code: 'FORBIDDEN', missingScopes: ['audit:read'] });
    const keyWithout = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'] });
    plaintexts.push(keyWithout.text);
    expect((await exportAudit('', bearer(keyWithout.text))).response.status).toBe(403);
  });

  it("never exports another tenant's events", async () => {
    const tenant = await tenantWithEvents(2);
    const other = await tenantWithEvents(3);
    const [theirs] = await t.app.db.prisma.auditEvent.findMany({ where: { tenantId: other.id }, orderBy: { seq: 'asc' } });
    const byTenantId = await exportAudit(`?tenantId=${other.id}`, bearer(tenant.owner.token));
    expect(byTenantId.response.status).toBe(404);
    const bySince = await exportAudit(`?since=${theirs!.id}`, bearer(tenant.owner.token));
    expect(bySince.response.status).toBe(404);
    const own = await exportAudit('', bearer(tenant.owner.token));
    expect(own.lines.every((l) => l.tenantId === tenant.id)).toBe(true);
    expect(own.text).not.toContain(other.id);
  });

  it('lets the platform operator export a tenant it names', async () => {
    const tenant = await tenantWithEvents(2);
    const unnamed = await exportAudit('', bearer(platform));
    expect(unnamed.response.status).toBe(400);
    expect(unnamed.error.code).toBe('VALIDATION_FAILED');
    const named = await exportAudit(`?tenantId=${tenant.id}`, bearer(platform));
    expect(named.lines.map((l) => [l.tenantId, l.seq])).toEqual([[tenant.id, 1], [tenant.id, 2]]);
  });
});
