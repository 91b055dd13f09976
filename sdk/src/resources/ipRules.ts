import { CreateIpRuleMutation, DeleteIpRuleMutation, GroupIpRulesQuery, KeyIpRulesQuery, TenantIpRulesQuery } from '../operations/ipRules.ts';
import { expectPayload, type CallOptions, type Transport } from '../transport.ts';
import type { CreateIpRuleInput, IpRule } from '../types.ts';
import { notFound } from './shared.ts';

/** Whose rules: the tenant's (`{}`; the platform operator names `tenantId`), a group's or a key's. */
export type IpRuleOwner = { groupId: string } | { apiKeyId: string } | { tenantId?: string };

export function ipRulesResource(t: Transport) {
  return {
    /** The rules of one level, oldest first. */
    async list(owner: IpRuleOwner = {}, call?: CallOptions): Promise<IpRule[]> {
      if ('groupId' in owner) {
        const { group } = await t.request(GroupIpRulesQuery, { groupId: owner.groupId }, call);
        if (!group) throw notFound('Group', owner.groupId, 'GroupIpRules');
        return group.ipRules;
      }
      if ('apiKeyId' in owner) {
        const { apiKey } = await t.request(KeyIpRulesQuery, { apiKeyId: owner.apiKeyId }, call);
        if (!apiKey) throw notFound('ApiKey', owner.apiKeyId, 'KeyIpRules');
        return apiKey.ipRules;
      }
      const { tenant } = await t.request(TenantIpRulesQuery, { tenantId: owner.tenantId ?? null }, call);
      if (!tenant) throw notFound('Tenant', owner.tenantId, 'TenantIpRules');
      return tenant.ipRules;
    },

    /** Tenant-wide (neither groupId nor apiKeyId; needs tenant:admin), for a group, or for a key. */
    async create(input: CreateIpRuleInput, call?: CallOptions): Promise<IpRule> {
      const { createIpRule } = await t.request(CreateIpRuleMutation, { input }, call);
      return expectPayload(createIpRule, 'IpRulePayload', 'CreateIpRule').ipRule;
    },

    async delete(id: string, call?: CallOptions): Promise<{ deletedIpRuleId: string }> {
      const { deleteIpRule } = await t.request(DeleteIpRuleMutation, { id }, call);
      return expectPayload(deleteIpRule, 'DeleteIpRulePayload', 'DeleteIpRule');
    },
  };
}
