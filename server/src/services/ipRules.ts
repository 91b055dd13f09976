import { z } from 'zod';
import type { Context } from '../appTypes.ts';
import { afterCommit } from '../db/transaction.ts';
import { ipRuleLevelOf } from '../domain/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { parseCidr, type IpRuleLevel } from '../domain/ipRules.ts';
import { recordAudit, type Tx } from './audit.ts';
import { newId } from '../domain/ids.ts';
import { tenantCaller } from './authorization.ts';
import { descriptionInput } from './inputs.ts';
import { parseInput } from './validation.ts';

const MAX_IP_RULES_PER_TARGET = 100;

/** A CIDR or bare address, stored in its normalized form; the error names the value given. */
export const cidrText = z.string().trim().transform((value, issue) => {
  const parsed = parseCidr(value);
  if (!parsed.ok) {
    issue.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  }
  return parsed.normalized;
});

const ipRuleInput = z.object({
  action: z.enum(['ALLOW', 'DENY']),
  cidr: cidrText,
  description: descriptionInput(200).nullish(),
});

export const ipRuleList = z.array(ipRuleInput).max(MAX_IP_RULES_PER_TARGET, `must have at most ${MAX_IP_RULES_PER_TARGET} rules`);

export type IpRuleValues = z.output<typeof ipRuleInput>;

/** What a caller must hold to change rules at each level. */
export const IP_RULE_WRITE_SCOPE: Record<IpRuleLevel, string> = { TENANT: 'tenant:admin', GROUP: 'groups:write', KEY: 'keys:write' };
/** …and to read them. */
export const IP_RULE_READ_SCOPE: Record<IpRuleLevel, string> = { TENANT: 'tenant:read', GROUP: 'groups:read', KEY: 'keys:read' };

export type IpRuleTarget = { groupId: string } | { apiKeyId: string };

/** The audit form of a rule list: what was allowed/denied, in order. */
export function describeRules(rules: readonly { action: string; cidr: string }[]): string[] {
  return rules.map((r) => `${r.action} ${r.cidr}`);
}

/** Replaces a group's or key's whole rule list; returns the rules before, for the audit diff. */
export async function replaceIpRules(tx: Tx, tenantId: string, target: IpRuleTarget, rules: readonly IpRuleValues[]) {
  const before = await tx.ipRule.findMany({ where: target, orderBy: { id: 'asc' } });
  await tx.ipRule.deleteMany({ where: target });
  await createIpRules(tx, tenantId, target, rules);
  return before;
}

export async function createIpRules(tx: Tx, tenantId: string, target: IpRuleTarget, rules: readonly IpRuleValues[]): Promise<void> {
  if (rules.length === 0) return;
  await tx.ipRule.createMany({
    data: rules.map((rule) => ({
      id: newId('ipr'), tenantId, ...target, action: rule.action, cidr: rule.cidr, description: rule.description ?? '',
    })),
  });
}

const createInput = z
  .object({
    groupId: z.string().nullish(),
    apiKeyId: z.string().nullish(),
  })
  .and(ipRuleInput)
  .refine((input) => !(input.groupId && input.apiKeyId), { message: 'Give groupId or apiKeyId (or neither for a tenant-wide rule), not both', path: ['apiKeyId'] });

/** The level a create input addresses, for choosing the scope before anything runs. */
export function levelOfCreateInput(input: { groupId?: string | null; apiKeyId?: string | null }): IpRuleLevel {
  return ipRuleLevelOf({ groupId: input.groupId ?? null, apiKeyId: input.apiKeyId ?? null });
}

/** One ALLOW/DENY rule at tenant, group or key level. The field's authScopes checked the level's scope. */
export async function createIpRule(ctx: Context, raw: unknown) {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(createInput, raw);
  const level = levelOfCreateInput(input);
  const { rule, keyIds } = await ctx.db.$transaction(async (tx) => {
    const keyIds = await affectedKeyIds(tx, input);
    const target = input.apiKeyId ? { apiKeyId: input.apiKeyId } : input.groupId ? { groupId: input.groupId } : {};
    const count = await tx.ipRule.count({ where: level === 'TENANT' ? { groupId: null, apiKeyId: null } : target });
    if (count >= MAX_IP_RULES_PER_TARGET) {
      throw ValidationError.field(['input', 'cidr'], `A ${level.toLowerCase()} may have at most ${MAX_IP_RULES_PER_TARGET} IP rules`);
    }
    const rule = await tx.ipRule.create({
      data: { id: newId('ipr'), tenantId, ...target, action: input.action, cidr: input.cidr, description: input.description ?? '' },
    });
    await recordAudit(tx, ctx, {
      tenantId, action: 'ipRule.created', targetType: 'IpRule', targetId: rule.id,
      changes: { level, action: rule.action, cidr: rule.cidr, groupId: rule.groupId, apiKeyId: rule.apiKeyId },
    });
    return { rule, keyIds };
  });
  await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId, keyIds }));
  return rule;
}

export async function deleteIpRule(ctx: Context, id: string) {
  const { tenantId } = tenantCaller(ctx);
  const { rule, keyIds } = await ctx.db.$transaction(async (tx) => {
    const rule = await tx.ipRule.findUnique({ where: { id } });
    if (!rule) throw new NotFoundError('IpRule', id);
    const keyIds = await affectedKeyIds(tx, rule);
    await tx.ipRule.delete({ where: { id } });
    await recordAudit(tx, ctx, {
      tenantId, action: 'ipRule.deleted', targetType: 'IpRule', targetId: id,
      changes: { level: ipRuleLevelOf(rule), action: rule.action, cidr: rule.cidr, groupId: rule.groupId, apiKeyId: rule.apiKeyId },
    });
    return { rule, keyIds };
  });
  await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId, keyIds }));
  return rule;
}

/**
 * Checks the rule's owner exists in the tenant (and that a key is not revoked) and returns the keys
 * whose verdict the change can alter; undefined = every key of the tenant (a tenant-wide rule).
 */
async function affectedKeyIds(tx: Tx, target: { groupId?: string | null; apiKeyId?: string | null }): Promise<string[] | undefined> {
  if (target.apiKeyId) {
    const key = await tx.apiKey.findUnique({ where: { id: target.apiKeyId }, select: { id: true, status: true } });
    if (!key) throw new NotFoundError('ApiKey', target.apiKeyId);
    if (key.status === 'REVOKED') throw new ConflictError('A revoked key cannot be changed', 'apiKeyId');
    return [key.id];
  }
  if (target.groupId) {
    const group = await tx.group.findUnique({ where: { id: target.groupId }, select: { apiKeys: { select: { id: true } } } });
    if (!group) throw new NotFoundError('Group', target.groupId);
    return group.apiKeys.map((k) => k.id);
  }
  return undefined;
}
