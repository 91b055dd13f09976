import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeToTenant } from '../../src/db/tenantScope.ts';
import { newId } from '../../src/domain/ids.ts';
import { createTenantWithRoles } from '../../src/services/tenantSetup.ts';
import { openTestDatabase, type TestDatabase } from '../harness/database.ts';

let db: TestDatabase;
const tenants: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  for (const name of ['Scope A', 'Scope B']) {
    const tenant = await db.prisma.$transaction((tx) => createTenantWithRoles(tx, { name, slug: `scope-${randomBytes(4).toString('hex')}` }));
    await db.prisma.scope.create({ data: { id: newId('scp'), tenantId: tenant.id, name: `${name.toLowerCase().replace(' ', '-')}:read` } });
    tenants.push(tenant.id);
  }
});
afterAll(() => db?.dispose());

describe('scopeToTenant', () => {
  it('gives the same client back for the same tenant, and another for another tenant', () => {
    const [a, b] = tenants as [string, string];
    expect(scopeToTenant(db.prisma, a)).toBe(scopeToTenant(db.prisma, a));
    expect(scopeToTenant(db.prisma, b)).not.toBe(scopeToTenant(db.prisma, a));
  });

  it('a reused client still sees only its own tenant, whichever tenant used the cache before', async () => {
    const [a, b] = tenants as [string, string];
    for (const round of [1, 2]) {
      const seenByA = await scopeToTenant(db.prisma, a).scope.findMany({ select: { name: true, tenantId: true } });
      const seenByB = await scopeToTenant(db.prisma, b).scope.findMany({ select: { name: true, tenantId: true } });
      expect(seenByA.map((s) => s.tenantId), `round ${round}`).toEqual(seenByA.map(() => a));
      expect(seenByB.map((s) => s.tenantId), `round ${round}`).toEqual(seenByB.map(() => b));
      expect(seenByA.map((s) => s.name)).toContain('scope-a:read');
      expect(seenByA.map((s) => s.name)).not.toContain('scope-b:read');
      expect(seenByB.map((s) => s.name)).toContain('scope-b:read');
    }
  });

  it("cannot read another tenant's row by id through a cached client", async () => {
    const [a, b] = tenants as [string, string];
    const rowOfB = await db.prisma.scope.findFirstOrThrow({ where: { tenantId: b } });
    scopeToTenant(db.prisma, b); // B's client is cached too
    await expect(scopeToTenant(db.prisma, a).scope.findUnique({ where: { id: rowOfB.id } })).resolves.toBeNull();
  });
});
