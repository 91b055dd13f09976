import { builder } from '../builder.ts';
import { idOf } from '../inputSafety.ts';
import type { IpRule } from '../generated/prisma/client.ts';
import { ipRuleLevelOf } from '../domain/access.ts';
import { IP_RULE_LEVELS } from '../domain/ipRules.ts';
import { typenameOfId } from '../domain/ids.ts';
import { IP_RULE_READ_SCOPE, IP_RULE_WRITE_SCOPE, createIpRule, deleteIpRule, levelOfCreateInput } from '../services/ipRules.ts';
import { MUTATION_ERRORS } from './errors.ts';

export const IpRuleActionEnum = builder.enumType('IpRuleAction', { values: ['ALLOW', 'DENY'] as const });
export const IpRuleLevelEnum = builder.enumType('IpRuleLevel', {
  values: IP_RULE_LEVELS,
  description: 'TENANT: every key of the tenant; GROUP: every key in the group; KEY: one key.',
});

export const IpRuleRef = builder.prismaNode('IpRule', {
  id: { field: 'id' },
  // node(id:) of a record outside the caller's tenant answers null, like a missing one.
  nullable: true,
  description:
    'ALLOW or DENY an address range. A request passes when, at every level, no DENY matches and, where the level has ALLOWs, one of them matches.',
  // Reading a rule needs the read scope of what it belongs to.
  authScopes: (rule) => ({ $any: { platform: true, scope: IP_RULE_READ_SCOPE[ipRuleLevelOf(rule)] } }),
  fields: (t) => ({
    action: t.expose('action', { type: IpRuleActionEnum }),
    cidr: t.exposeString('cidr', { description: 'Normalized CIDR, e.g. `10.0.0.0/8`, `2001:db8::/32`; a single address is a /32 or /128.' }),
    description: t.exposeString('description'),
    level: t.field({ type: IpRuleLevelEnum, resolve: (rule) => ipRuleLevelOf(rule) }),
    group: t.relation('group', { nullable: true }),
    apiKey: t.relation('apiKey', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectField('Tenant', 'ipRules', (t) =>
  t.relation('ipRules', {
    description: 'Tenant-wide IP rules (they apply to every key of the tenant), oldest first.',
    query: { where: { groupId: null, apiKeyId: null }, orderBy: { id: 'asc' } },
  }),
);

/** One rule as part of a group's or key's list. */
export const IpRuleInputRef = builder.inputType('IpRuleInput', {
  fields: (t) => ({
    action: t.field({ type: IpRuleActionEnum, required: true }),
    cidr: t.string({ required: true, description: 'An IPv4/IPv6 address or CIDR, e.g. `203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`.' }),
    description: t.string({ required: false }),
  }),
});

const CreateIpRuleInput = builder.inputType('CreateIpRuleInput', {
  fields: (t) => ({
    groupId: t.id({ required: false, ...idOf('Group'), description: 'A group-level rule (needs groups:write).' }),
    apiKeyId: t.id({ required: false, ...idOf('ApiKey'), description: 'A key-level rule (needs keys:write).' }),
    action: t.field({ type: IpRuleActionEnum, required: true }),
    cidr: t.string({ required: true, description: 'An IPv4/IPv6 address or CIDR.' }),
    description: t.string({ required: false }),
  }),
});

const IpRulePayload = builder.objectRef<{ ipRule: IpRule }>('IpRulePayload').implement({
  fields: (t) => ({ ipRule: t.expose('ipRule', { type: IpRuleRef }) }),
});

const DeleteIpRulePayload = builder.objectRef<{ deletedIpRuleId: string }>('DeleteIpRulePayload').implement({
  fields: (t) => ({ deletedIpRuleId: t.exposeID('deletedIpRuleId') }),
});

const idOrNull = (id: string | number | null | undefined) => (id == null ? null : String(id));

builder.mutationFields((t) => ({
  createIpRule: t.field({
    type: IpRulePayload,
    description: 'Add an IP rule: tenant-wide (neither groupId nor apiKeyId; needs tenant:admin), for a group, or for a key.',
    authScopes: (_root, { input }) => ({ scope: IP_RULE_WRITE_SCOPE[levelOfCreateInput({ groupId: idOrNull(input.groupId), apiKeyId: idOrNull(input.apiKeyId) })] }),
    errors: MUTATION_ERRORS,
    args: { input: t.arg({ type: CreateIpRuleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      ipRule: await createIpRule(ctx, { ...input, groupId: idOrNull(input.groupId), apiKeyId: idOrNull(input.apiKeyId) }),
    }),
  }),
  deleteIpRule: t.field({
    type: DeleteIpRulePayload,
    description: 'Remove an IP rule; needs the write scope of its level.',
    // The level, hence the scope, is the stored rule's. A rule the caller cannot see falls
    // through to the resolver, which answers NOT_FOUND; a malformed id, to input safety.
    authScopes: async (_root, { id }, ctx) => {
      if (typenameOfId(String(id)) !== 'IpRule') return { tenant: true };
      const rule = await ctx.db.ipRule.findUnique({ where: { id: String(id) }, select: { groupId: true, apiKeyId: true } });
      return rule ? { scope: IP_RULE_WRITE_SCOPE[ipRuleLevelOf(rule)] } : { tenant: true };
    },
    errors: MUTATION_ERRORS,
    args: { id: t.arg.id({ required: true, ...idOf('IpRule') }) },
    resolve: async (_root, { id }, ctx) => ({ deletedIpRuleId: (await deleteIpRule(ctx, String(id))).id }),
  }),
}));
