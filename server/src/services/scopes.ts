import { z } from 'zod';
import type { Context } from '../appTypes.ts';
import { afterCommit } from '../db/transaction.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { isManagementScope, validateScopeName } from '../domain/scopes.ts';
import { diff, recordAudit, type Tx } from './audit.ts';
import { targetTenantId } from './authorization.ts';
import { descriptionInput, scopeName } from './inputs.ts';
import { orConflict, parseInput } from './validation.ts';

// The tenant's scope catalogue, and the check every service that hands out scopes shares:
// whether the named scopes exist.

/**
 * Checks a list of scope names given for a role (or key, or group): each must be a management
 * scope or in the tenant's catalogue, and none may repeat. Errors name each bad entry by index.
 */
export async function assertKnownScopes(tx: Tx, tenantId: string, scopes: readonly string[], path: (string | number)[]): Promise<void> {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const resourceScopes: string[] = [];
  scopes.forEach((scope, index) => {
    const invalid = validateScopeName(scope);
    if (invalid) errors.push({ path: [...path, index], message: invalid });
    else if (seen.has(scope)) errors.push({ path: [...path, index], message: `Scope "${scope}" is listed more than once` });
    else if (!isManagementScope(scope)) resourceScopes.push(scope);
    seen.add(scope);
  });
  if (resourceScopes.length) {
    const known = new Set((await tx.scope.findMany({ where: { tenantId, name: { in: resourceScopes } }, select: { name: true } })).map((s) => s.name));
    scopes.forEach((scope, index) => {
      if (resourceScopes.includes(scope) && !known.has(scope)) {
        errors.push({ path: [...path, index], message: `Scope "${scope}" is neither a management scope nor in the tenant's catalogue` });
      }
    });
  }
  if (errors.length) throw new ValidationError(errors.sort((a, b) => Number(a.path.at(-1)) - Number(b.path.at(-1))));
}

// ---- The catalogue ----

const description = descriptionInput(500);
const catalogueName = scopeName.refine((value) => !isManagementScope(value), { error: (issue) => `"${issue.input}" is a management scope; choose another name` });

const createInput = z.object({ tenantId: z.string().nullish(), name: catalogueName, description: description.nullish() });
const updateInput = z.object({ id: z.string(), description });
const deleteInput = z.object({ id: z.string(), cascade: z.boolean().nullish() });

export async function createScope(ctx: Context, raw: unknown) {
  const input = parseInput(createInput, raw);
  const tenantId = await targetTenantId(ctx, input.tenantId);
  return orConflict(ctx.db.$transaction(async (tx) => {
    const scope = await tx.scope.create({ data: { id: newId('scp'), tenantId, name: input.name, description: input.description ?? '' } });
    await recordAudit(tx, ctx, { tenantId, action: 'scope.created', targetType: 'Scope', targetId: scope.id, changes: { name: scope.name, description: scope.description } });
    return scope;
  }), () => new ConflictError(`The tenant already has a scope named "${input.name}"`, 'name'));
}

/** Only the description changes: a scope's name is what keys and roles refer to. */
export async function updateScope(ctx: Context, raw: unknown) {
  const input = parseInput(updateInput, raw);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.scope.findUnique({ where: { id: input.id } });
    if (!before) throw new NotFoundError('Scope', input.id);
    const after = await tx.scope.update({ where: { id: before.id }, data: { description: input.description } });
    await recordAudit(tx, ctx, { tenantId: after.tenantId, action: 'scope.updated', targetType: 'Scope', targetId: after.id, changes: diff(before, after) });
    return after;
  });
}

/**
 * Refused while keys, roles or groups name the scope, unless `cascade`, which removes it from all
 * of them in the same transaction.
 */
export async function deleteScope(ctx: Context, raw: unknown) {
  const input = parseInput(deleteInput, raw);
  const deleted = await ctx.db.$transaction(async (tx) => {
    const scope = await tx.scope.findUnique({ where: { id: input.id } });
    if (!scope) throw new NotFoundError('Scope', input.id);
    const usage = await scopeUsage(tx, scope.tenantId, scope.name);
    const inUse = usage.keys + usage.roles + usage.groups > 0;
    if (inUse && !input.cascade) {
      throw new ConflictError(
        `Scope "${scope.name}" is used by ${count(usage.keys, 'API key')}, ${count(usage.roles, 'role')} and ${count(usage.groups, 'group')}; pass cascade: true to remove it from them`,
        'cascade',
      );
    }
    if (inUse) await removeScopeEverywhere(tx, scope.tenantId, scope.name);
    await tx.scope.delete({ where: { id: scope.id } });
    await recordAudit(tx, ctx, { tenantId: scope.tenantId, action: 'scope.deleted', targetType: 'Scope', targetId: scope.id, changes: { name: scope.name, removedFrom: usage } });
    return { scope, changedGrants: inUse };
  });
  if (deleted.changedGrants) await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId: deleted.scope.tenantId }));
  return deleted.scope;
}

async function scopeUsage(tx: Tx, tenantId: string, name: string) {
  return {
    keys: await tx.apiKey.count({ where: { tenantId, scopes: { has: name } } }),
    roles: await tx.role.count({ where: { tenantId, scopes: { has: name } } }),
    groups: await tx.group.count({ where: { tenantId, OR: [{ scopeLimit: { has: name } }, { defaultScopes: { has: name } }] } }),
  };
}

// Raw SQL bypasses the tenant-scoped client, hence the explicit tenantId in every statement.
async function removeScopeEverywhere(tx: Tx, tenantId: string, name: string): Promise<void> {
  await tx.$executeRaw`UPDATE "ApiKey" SET "scopes" = array_remove("scopes", ${name}::text), "updatedAt" = now()
    WHERE "tenantId" = ${tenantId} AND ${name}::text = ANY("scopes")`;
  await tx.$executeRaw`UPDATE "Role" SET "scopes" = array_remove("scopes", ${name}::text), "updatedAt" = now()
    WHERE "tenantId" = ${tenantId} AND ${name}::text = ANY("scopes")`;
  await tx.$executeRaw`UPDATE "Group" SET "scopeLimit" = array_remove("scopeLimit", ${name}::text),
    "defaultScopes" = array_remove("defaultScopes", ${name}::text), "updatedAt" = now()
    WHERE "tenantId" = ${tenantId} AND (${name}::text = ANY("scopeLimit") OR ${name}::text = ANY("defaultScopes"))`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
