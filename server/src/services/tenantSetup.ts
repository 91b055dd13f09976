import type { Tx } from './audit.ts';
import { newId } from '../domain/ids.ts';
import { BUILT_IN_ROLES } from '../domain/scopes.ts';

const ROLE_DESCRIPTIONS = {
  OWNER: 'Everything, including tenant settings and ownership',
  ADMIN: 'Everything except tenant settings',
  MEMBER: 'Reads the tenant and verifies credentials',
  VIEWER: 'Reads members, roles, scopes, groups and keys',
} as const;

/**
 * Creates a tenant row with its four built-in roles (their scopes live in code, domain/scopes.ts).
 * The one way a tenant comes into being: the tenants service and the test fixtures both call it.
 */
export async function createTenantWithRoles(tx: Tx, input: { name: string; slug: string; keyPrefix?: string }) {
  const tenant = await tx.tenant.create({
    data: { id: newId('ten'), name: input.name, slug: input.slug, ...(input.keyPrefix ? { keyPrefix: input.keyPrefix } : {}) },
  });
  await tx.role.createMany({
    data: BUILT_IN_ROLES.map((builtIn) => ({
      id: newId('rol'),
      tenantId: tenant.id,
      name: builtIn,
      builtIn,
      description: ROLE_DESCRIPTIONS[builtIn],
      scopes: [],
    })),
  });
  return tenant;
}
