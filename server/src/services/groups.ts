import { z } from 'zod';
import type { Context } from '../appTypes.ts';
import { afterCommit } from '../db/transaction.ts';
import type { Group } from '../generated/prisma/client.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError, foundOr } from '../domain/errors.ts';
import { formatDuration } from '../domain/expiry.ts';
import { newId } from '../domain/ids.ts';
import { scopeSet } from '../domain/scopes.ts';
import { tenantCaller } from './authorization.ts';
import { diff, recordAudit, type Tx } from './audit.ts';
import { createIpRules, describeRules, ipRuleList, replaceIpRules } from './ipRules.ts';
import { descriptionInput, nameInput, reasonInput, scopeList } from './inputs.ts';
import { changeKeyStatus } from './keys/status.ts';
import { assertKnownScopes } from './scopes.ts';
import { assertTokenTtlAllowed, tokenTtlInput } from './accessTokens.ts';
import { orConflict, parseInput } from './validation.ts';
import { bothGiven, creditsInput, groupCreditsData, limitFields, limitUpdateFields, rateLimitData } from './limits.ts';

const MAX_DEFAULT_EXPIRY_SECONDS = 10 * 365 * 86_400;

const groupName = nameInput(100);
const description = descriptionInput(1000);
const defaultExpirySeconds = z
  .number()
  .int('must be a whole number')
  .min(60, 'must be at least 60 seconds')
  .max(MAX_DEFAULT_EXPIRY_SECONDS, `must be at most ${MAX_DEFAULT_EXPIRY_SECONDS} seconds`);

const settings = {
  description: description.nullish(),
  defaultScopes: scopeList.nullish(),
  limitsScopes: z.boolean().nullish(),
  scopeLimit: scopeList.nullish(),
  defaultExpirySeconds: defaultExpirySeconds.nullish(),
  tokenTtlSeconds: tokenTtlInput.nullish(),
  ipRules: ipRuleList.nullish(),
  credits: creditsInput.nullish(),
};

const createInput = z.object({ name: groupName, ...settings, ...limitFields });

const updateInput = z
  .object({ id: z.string(), name: groupName.nullish(), ...settings, clearDefaultExpiry: z.boolean().nullish(), clearTokenTtl: z.boolean().nullish(), ...limitUpdateFields, removeCredits: z.boolean().nullish() })
  .superRefine((input, issue) => {
    bothGiven(input, 'tokenTtlSeconds', 'clearTokenTtl', issue);
    bothGiven(input, 'rateLimit', 'removeRateLimit', issue);
    bothGiven(input, 'credits', 'removeCredits', issue);
    if (input.clearDefaultExpiry && input.defaultExpirySeconds != null) {
      issue.addIssue({ code: 'custom', path: ['clearDefaultExpiry'], message: 'Give defaultExpirySeconds or clearDefaultExpiry, not both' });
    }
  });

const deleteInput = z
  .object({
    id: z.string(),
    moveKeysTo: z.string().nullish(),
    revokeKeys: z.boolean().nullish(),
    reason: reasonInput.nullish(),
  })
  .superRefine((input, issue) => {
    if (input.moveKeysTo != null && input.revokeKeys) {
      issue.addIssue({ code: 'custom', path: ['revokeKeys'], message: 'Give moveKeysTo or revokeKeys, not both' });
    }
    if (input.moveKeysTo != null && input.moveKeysTo === input.id) {
      issue.addIssue({ code: 'custom', path: ['moveKeysTo'], message: 'must be another group' });
    }
  });

/** Scopes exist; defaults fit the limit when the group limits; the default expiry fits the tenant maximum. */
async function assertSettingsValid(
  tx: Tx,
  tenantId: string,
  group: { defaultScopes: readonly string[]; limitsScopes: boolean; scopeLimit: readonly string[]; defaultExpirySeconds: number | null },
): Promise<void> {
  await assertKnownScopes(tx, tenantId, group.defaultScopes, ['input', 'defaultScopes']);
  await assertKnownScopes(tx, tenantId, group.scopeLimit, ['input', 'scopeLimit']);
  const errors: FieldError[] = [];
  if (group.limitsScopes) {
    const beyond = scopeSet(group.scopeLimit).missing(group.defaultScopes);
    if (beyond.length > 0) {
      errors.push({ path: ['input', 'defaultScopes'], message: `Default scopes outside the scope limit: ${beyond.join(', ')}` });
    }
  }
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { maxKeyLifetimeSeconds: true } });
  if (group.defaultExpirySeconds !== null && tenant.maxKeyLifetimeSeconds !== null && group.defaultExpirySeconds > tenant.maxKeyLifetimeSeconds) {
    errors.push({
      path: ['input', 'defaultExpirySeconds'],
      message: `must be at most ${formatDuration(tenant.maxKeyLifetimeSeconds)} (the tenant's maximum key lifetime)`,
    });
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`A group named "${name}" already exists`, 'name');
}

async function keyIdsOf(tx: Tx, groupId: string): Promise<string[]> {
  const keys = await tx.apiKey.findMany({ where: { groupId }, select: { id: true } });
  return keys.map((key) => key.id);
}

export async function createGroup(ctx: Context, raw: unknown): Promise<Group> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(createInput, raw);
  const values = {
    name: input.name,
    description: input.description ?? '',
    defaultScopes: input.defaultScopes ?? [],
    limitsScopes: input.limitsScopes ?? false,
    scopeLimit: input.scopeLimit ?? [],
    defaultExpirySeconds: input.defaultExpirySeconds ?? null,
    tokenTtlSeconds: input.tokenTtlSeconds ?? null,
    ...rateLimitData(input),
    ...groupCreditsData(input.credits, false),
  };
  return orConflict(ctx.db.$transaction(async (tx) => {
    await assertSettingsValid(tx, tenantId, values);
    await assertTokenTtlAllowed(tx, tenantId, values.tokenTtlSeconds, ['input', 'tokenTtlSeconds']);
    const group = await tx.group.create({ data: { id: newId('grp'), tenantId, ...values } });
    const ipRules = input.ipRules ?? [];
    await createIpRules(tx, tenantId, { groupId: group.id }, ipRules);
    await recordAudit(tx, ctx, {
      tenantId, action: 'group.created', targetType: 'Group', targetId: group.id,
      changes: { ...values, ipRules: describeRules(ipRules) },
    });
    return group;
  }), () => nameTaken(input.name));
}

export async function updateGroup(ctx: Context, raw: unknown): Promise<Group> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(updateInput, raw);
  const result = await orConflict(ctx.db.$transaction(async (tx) => {
    const before = await foundOr(tx.group.findUnique({ where: { id: input.id } }), 'Group', input.id);
    const data = {
      ...(input.name != null && { name: input.name }),
      ...(input.description != null && { description: input.description }),
      ...(input.defaultScopes != null && { defaultScopes: input.defaultScopes }),
      ...(input.limitsScopes != null && { limitsScopes: input.limitsScopes }),
      ...(input.scopeLimit != null && { scopeLimit: input.scopeLimit }),
      ...(input.defaultExpirySeconds != null && { defaultExpirySeconds: input.defaultExpirySeconds }),
      ...(input.clearDefaultExpiry && { defaultExpirySeconds: null }),
      ...(input.tokenTtlSeconds != null && { tokenTtlSeconds: input.tokenTtlSeconds }),
      ...(input.clearTokenTtl && { tokenTtlSeconds: null }),
      ...rateLimitData(input),
      ...groupCreditsData(input.credits, input.removeCredits ?? false),
    };
    await assertSettingsValid(tx, tenantId, { ...before, ...data });
    if (input.tokenTtlSeconds != null) await assertTokenTtlAllowed(tx, tenantId, input.tokenTtlSeconds, ['input', 'tokenTtlSeconds']);
    const group = await tx.group.update({ where: { id: before.id }, data });
    const changes: Record<string, unknown> = diff(before, group);
    if (input.ipRules != null) {
      const previous = await replaceIpRules(tx, tenantId, { groupId: group.id }, input.ipRules);
      changes.ipRules = { before: describeRules(previous), after: describeRules(input.ipRules) };
    }
    await recordAudit(tx, ctx, { tenantId, action: 'group.updated', targetType: 'Group', targetId: group.id, changes });
    return { group, keyIds: await keyIdsOf(tx, group.id) };
  }), () => nameTaken(input.name ?? ''));
  // The group's scope limit and IP rules are part of every one of its keys' verdicts.
  if (result.keyIds.length > 0) await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId, keyIds: result.keyIds }));
  return result.group;
}

export interface DeletedGroup {
  deletedGroupId: string;
  movedKeyCount: number;
  revokedKeyCount: number;
}

/**
 * A group that holds keys is deleted only when the caller says what happens to them: moved to
 * another group, or revoked (and detached, so nothing refers to the deleted group).
 */
export async function deleteGroup(ctx: Context, raw: unknown): Promise<DeletedGroup> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(deleteInput, raw);
  const now = ctx.app.clock();
  const result = await ctx.db.$transaction(async (tx) => {
    const group = await tx.group.findUnique({ where: { id: input.id } });
    if (!group) throw new NotFoundError('Group', input.id);
    const keys = await tx.apiKey.findMany({ where: { groupId: group.id }, select: { id: true, status: true } });
    const keyIds = keys.map((key) => key.id);
    let movedKeyCount = 0;
    let revokedKeyCount = 0;

    if (keys.length > 0 && input.moveKeysTo != null) {
      const target = await tx.group.findUnique({ where: { id: input.moveKeysTo }, select: { id: true } });
      if (!target) throw new NotFoundError('Group', input.moveKeysTo);
      movedKeyCount = (await tx.apiKey.updateMany({ where: { groupId: group.id }, data: { groupId: target.id } })).count;
    } else if (keys.length > 0 && input.revokeKeys) {
      const reason = input.reason ?? `Group "${group.name}" was deleted`;
      revokedKeyCount = (await changeKeyStatus(tx, ctx, keys, 'REVOKE', { reason, now, context: { groupDeleted: group.id } })).length;
      await tx.apiKey.updateMany({ where: { groupId: group.id }, data: { groupId: null } });
    } else if (keys.length > 0) {
      throw new ConflictError(
        `The group holds ${keys.length} key${keys.length === 1 ? '' : 's'}: move them to another group (moveKeysTo) or revoke them (revokeKeys: true)`,
        'id',
      );
    }

    await tx.group.delete({ where: { id: group.id } });
    await recordAudit(tx, ctx, {
      tenantId, action: 'group.deleted', targetType: 'Group', targetId: group.id,
      changes: { name: group.name, keyIds, movedTo: movedKeyCount > 0 ? input.moveKeysTo : null, revokedKeyCount },
    });
    return { deletedGroupId: group.id, movedKeyCount, revokedKeyCount, keyIds };
  });
  if (result.keyIds.length > 0) await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId, keyIds: result.keyIds }));
  return { deletedGroupId: result.deletedGroupId, movedKeyCount: result.movedKeyCount, revokedKeyCount: result.revokedKeyCount };
}
