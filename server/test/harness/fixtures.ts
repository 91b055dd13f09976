import { randomBytes } from 'node:crypto';
import type { App } from '../../src/app.ts';
import { newId } from '../../src/domain/ids.ts';
import { generateOpaqueToken, sha256Hex } from '../../src/domain/secrets.ts';
import type { BuiltIn } from '../../src/domain/scopes.ts';
import { TOKEN_PREFIX } from '../../src/domain/caller.ts';
import { createTenantWithRoles } from '../../src/services/tenantSetup.ts';

// Test data made straight in the database (no API round trips), so each test file can set up
// tenants and callers quickly and the API tests exercise only what they name.

export interface TestMember {
  id: string;
  email: string;
  roleId: string;
  /** A live session token for this member. */
  token: string;
}

export interface TestTenant {
  id: string;
  slug: string;
  roles: Record<BuiltIn, string>;
  owner: TestMember;
  addMember(role: BuiltIn | { roleId: string }, email?: string): Promise<TestMember>;
}

export async function platformToken(app: App): Promise<string> {
  const token = generateOpaqueToken(TOKEN_PREFIX.platform);
  await app.db.prisma.platformCredential.create({ data: { id: newId('plt'), name: 'test operator', tokenHash: sha256Hex(token) } });
  return token;
}

export async function createTenant(app: App, name = 'Tenant'): Promise<TestTenant> {
  const slug = `t-${randomBytes(5).toString('hex')}`;
  const tenant = await app.db.prisma.$transaction((tx) => createTenantWithRoles(tx, { name, slug }));
  const roleRows = await app.db.prisma.role.findMany({ where: { tenantId: tenant.id, builtIn: { not: null } } });
  const roles = Object.fromEntries(roleRows.map((r) => [r.builtIn, r.id])) as Record<BuiltIn, string>;

  const addMember = async (role: BuiltIn | { roleId: string }, email?: string): Promise<TestMember> => {
    const roleId = typeof role === 'string' ? roles[role] : role.roleId;
    const member = await app.db.prisma.member.create({
      data: {
        id: newId('mem'), tenantId: tenant.id, roleId,
        email: email ?? `${randomBytes(4).toString('hex')}@example.test`, name: 'Test Member',
      },
    });
    const token = generateOpaqueToken(TOKEN_PREFIX.session);
    await app.db.prisma.session.create({
      data: { id: newId('ses'), tenantId: tenant.id, memberId: member.id, tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + 3600_000) },
    });
    return { id: member.id, email: member.email, roleId, token };
  };

  const owner = await addMember('OWNER', 'owner@example.test');
  return { id: tenant.id, slug, roles, owner, addMember };
}
