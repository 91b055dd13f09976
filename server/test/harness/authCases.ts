import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import { MANAGEMENT_SCOPES } from '../../src/domain/scopes.ts';
import type { TestApp } from './app.ts';
import { createTenant, type TestMember, type TestTenant } from './fixtures.ts';

// The security cases every operation shares, asserted in one place: no credential, a credential
// without the operation's scope, and a credential of another tenant aimed at this tenant's records.

/** Selections for a mutation's result union: every typed error with its details. */
export const RESULT_FIELDS = `__typename
  ... on Error { code message }
  ... on ValidationError { fieldErrors { path message } }
  ... on ForbiddenError { missingScopes }
  ... on ConflictError { field }`;

export interface Operation {
  /** A document with one top-level field, `field`; mutations select RESULT_FIELDS. */
  document: string;
  field: string;
  /** Variables naming records of the tenant passed to `expectAuthCases`. */
  variables: Record<string, unknown>;
  /** The scope the field requires. Omit for fields any tenant caller may call. */
  scope?: string;
  /**
   * What a caller of another tenant gets: a NotFoundError result (mutations), null (lookups by id),
   * a top-level NOT_FOUND (a cursor or tenantId argument), or 'none' when nothing names a record.
   */
  crossTenant: 'notFoundResult' | 'null' | 'notFoundError' | 'none';
  /** Read before and after: must not change (nothing was written by the refused calls). */
  snapshot?: () => Promise<unknown>;
}

export async function expectAuthCases(t: TestApp, tenant: TestTenant, op: Operation): Promise<void> {
  const before = await op.snapshot?.();

  const anonymous = await t.graphql(op.document, op.variables);
  expect(anonymous.status, `${op.field} without credentials`).toBe(401);
  expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(anonymous.data?.[op.field] ?? null).toBeNull();

  if (op.scope) {
    // Holds every management scope but the one needed, so the refusal can only be about that one.
    const lacking = await memberWithScopes(t, tenant, MANAGEMENT_SCOPES.map((s) => s.name).filter((s) => s !== op.scope));
    const forbidden = await t.graphql(op.document, op.variables, { token: lacking.token });
    expect(forbidden.status, `${op.field} without ${op.scope}`).toBe(403);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(forbidden.errors?.[0]?.extensions?.missingScopes).toEqual([op.scope]);
    expect(forbidden.data?.[op.field] ?? null).toBeNull();
  }

  if (op.crossTenant !== 'none') {
    const other = await createTenant(t.app, 'Other tenant');
    const cross = await t.graphql(op.document, op.variables, { token: other.owner.token });
    const label = `${op.field} from another tenant`;
    if (op.crossTenant === 'notFoundResult') {
      expect(cross.errors, label).toBeUndefined();
      expect(cross.data?.[op.field]?.__typename, label).toBe('NotFoundError');
      expect(cross.data?.[op.field]?.code).toBe('NOT_FOUND');
    } else if (op.crossTenant === 'null') {
      expect(cross.errors, label).toBeUndefined();
      expect(cross.data?.[op.field], label).toBeNull();
    } else {
      expect(cross.errors?.[0]?.extensions?.code, label).toBe('NOT_FOUND');
      expect(cross.data?.[op.field] ?? null).toBeNull();
    }
  }

  if (op.snapshot) expect(await op.snapshot(), `${op.field}: refused calls changed nothing`).toEqual(before);
}

/** A member of `tenant` with a custom role holding exactly `scopes` (made in the database). */
export async function memberWithScopes(t: TestApp, tenant: TestTenant, scopes: readonly string[]): Promise<TestMember> {
  const role = await t.app.db.prisma.role.create({
    data: { id: newId('rol'), tenantId: tenant.id, name: `limited-${randomBytes(4).toString('hex')}`, scopes: [...scopes] },
  });
  return tenant.addMember({ roleId: role.id });
}
