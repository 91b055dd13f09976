import { z } from 'zod';
import type { Context } from '../appTypes.ts';
import { afterCommit } from '../db/transaction.ts';
import type { Role } from '../generated/prisma/client.ts';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { roleScopes } from '../domain/scopes.ts';
import { diff, recordAudit, type Tx } from './audit.ts';
import { assertMayGrant, targetTenantId } from './authorization.ts';
import { descriptionInput, nameInput, scopeList } from './inputs.ts';
import { assertKnownScopes } from './scopes.ts';
import { orConflict, parseInput } from './validation.ts';

// Custom roles are named scope lists. Built-in roles (OWNER, ADMIN, MEMBER, VIEWER) take their
// scopes from code and are neither edited nor deleted. Every role change is bounded by the
// caller's own scopes: whoever edits a role could otherwise grant its members more than they hold.

const name = nameInput(64);
const description = descriptionInput(500);
const scopes = scopeList;

const createInput = z.object({ tenantId: z.string().nullish(), name, description: description.nullish(), scopes });
const updateInput = z.object({ id: z.string(), name: name.nullish(), description: description.nullish(), scopes: scopes.nullish() });
const deleteInput = z.object({ id: z.string(), reassignTo: z.string().nullish() });

export async function createRole(ctx: Context, raw: unknown) {
  const input = parseInput(createInput, raw);
  const tenantId = await targetTenantId(ctx, input.tenantId);
  return orConflict(ctx.db.$transaction(async (tx) => {
    await assertKnownScopes(tx, tenantId, input.scopes, ['input', 'scopes']);
    assertMayGrant(ctx, input.scopes, 'A role cannot hold scopes you do not hold');
    await assertNameFree(tx, tenantId, input.name);
    const role = await tx.role.create({
      data: { id: newId('rol'), tenantId, name: input.name, description: input.description ?? '', scopes: [...input.scopes].sort() },
    });
    await recordAudit(tx, ctx, { tenantId, action: 'role.created', targetType: 'Role', targetId: role.id, changes: { name: role.name, description: role.description, scopes: role.scopes } });
    return role;
  }), () => nameTaken(input.name));
}

export async function updateRole(ctx: Context, raw: unknown) {
  const input = parseInput(updateInput, raw);
  const result = await orConflict(ctx.db.$transaction(async (tx) => {
    const before = await findCustomRole(ctx, tx, input.id);
    const data: { name?: string; description?: string; scopes?: string[] } = {};
    if (input.name != null && input.name !== before.name) {
      await assertNameFree(tx, before.tenantId, input.name, before.id);
      data.name = input.name;
    }
    if (input.description != null) data.description = input.description;
    if (input.scopes != null) {
      await assertKnownScopes(tx, before.tenantId, input.scopes, ['input', 'scopes']);
      assertMayGrant(ctx, input.scopes, 'A role cannot hold scopes you do not hold');
      data.scopes = [...input.scopes].sort();
    }
    const after = await tx.role.update({ where: { id: before.id }, data });
    await recordAudit(tx, ctx, { tenantId: after.tenantId, action: 'role.updated', targetType: 'Role', targetId: after.id, changes: diff(before, after) });
    return { role: after, scopesChanged: data.scopes !== undefined && data.scopes.join() !== before.scopes.join() };
  }), () => nameTaken(input.name ?? ''));
  // The role bounds its members' sessions (read per request) and their keys (cached by verification).
  if (result.scopesChanged) await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId: result.role.tenantId }));
  return result.role;
}

/** A role in use is deleted only with `reassignTo`: its members move to that role in the same transaction. */
export async function deleteRole(ctx: Context, raw: unknown) {
  const input = parseInput(deleteInput, raw);
  try {
    const result = await ctx.db.$transaction(async (tx) => {
      const role = await findCustomRole(ctx, tx, input.id);
      const members = await tx.member.count({ where: { tenantId: role.tenantId, roleId: role.id } });
      let reassignedTo: Role | null = null;
      if (members > 0) {
        if (!input.reassignTo) {
          throw new ConflictError(`The role is held by ${members} member${members === 1 ? '' : 's'}; pass reassignTo to move them to another role`, 'reassignTo');
        }
        if (input.reassignTo === role.id) throw ValidationError.field(['input', 'reassignTo'], 'must be another role');
        reassignedTo = await tx.role.findFirst({ where: { id: input.reassignTo, tenantId: role.tenantId } });
        if (!reassignedTo) throw new NotFoundError('Role', input.reassignTo);
        assertMayGrant(ctx, roleScopes(reassignedTo), `You cannot grant the role ${reassignedTo.name}`);
        await tx.member.updateMany({ where: { tenantId: role.tenantId, roleId: role.id }, data: { roleId: reassignedTo.id } });
      }
      await tx.role.delete({ where: { id: role.id } });
      await recordAudit(tx, ctx, {
        tenantId: role.tenantId, action: 'role.deleted', targetType: 'Role', targetId: role.id,
        changes: { name: role.name, scopes: role.scopes, reassignedMembers: members, reassignedTo: reassignedTo?.id ?? null },
      });
      return { role, reassigned: members > 0 };
    });
    if (result.reassigned) await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId: result.role.tenantId }));
    return result.role;
  } catch (error) {
    // A member given the role after the count above: the foreign key refuses the delete.
    if ((error as { code?: string }).code === 'P2003') throw new ConflictError('The role is held by members; pass reassignTo to move them to another role', 'reassignTo');
    throw error;
  }
}

/** A custom role of the caller's tenant (NOT_FOUND otherwise) whose scopes the caller holds. */
async function findCustomRole(ctx: Context, tx: Tx, id: string): Promise<Role> {
  const role = await tx.role.findUnique({ where: { id } });
  if (!role) throw new NotFoundError('Role', id);
  if (role.builtIn) throw new ConflictError(`The built-in role ${role.builtIn} cannot be changed or deleted`);
  assertMayGrant(ctx, roleScopes(role), 'You cannot change a role that holds scopes you do not hold');
  return role;
}

// "Admin" next to "ADMIN" would be a trap in every role picker, so names are unique ignoring case.
async function assertNameFree(tx: Tx, tenantId: string, roleName: string, exceptId?: string): Promise<void> {
  const taken = await tx.role.findFirst({
    where: { tenantId, name: { equals: roleName, mode: 'insensitive' }, ...(exceptId && { id: { not: exceptId } }) },
    select: { id: true },
  });
  if (taken) throw nameTaken(roleName);
}

const nameTaken = (roleName: string) => new ConflictError(`The tenant already has a role named "${roleName}"`, 'name');
