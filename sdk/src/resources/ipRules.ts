import { CreateIpRuleMutation, DeleteIpRuleMutation, GroupIpRulesQuery, KeyIpRulesQuery, TenantIpRulesQuery } from '../operations/ipRules.ts';
import type { CallOptions, Transport } from '../transport.ts';
import type { CreateIpRuleInput, GroupId, IpRule, IpRuleId, KeyId } from '../types.ts';
import { found } from './shared.ts';

/** Whose rules: the tenant's (`{}`; the platform operator names `tenantId`), a group's or a key's. */
export type IpRuleOwner = { groupId: GroupId } | { apiKeyId: KeyId } | { tenantId?: string };

export function ipRulesResource(t: Transport) {
  return {
    /** The rules of one level, oldest first. */
    async list(owner: IpRuleOwner = {}, call?: CallOptions): Promise<IpRule[]> {
      if ('groupId' in owner) {
        return (await found(t, GroupIpRulesQuery, { groupId: owner.groupId }, 'Group', owner.groupId, call)).ipRules as IpRule[];
      }
      if ('apiKeyId' in owner) {
        return (await found(t, KeyIpRulesQuery, { apiKeyId: owner.apiKeyId }, 'ApiKey', owner.apiKeyId, call)).ipRules as IpRule[];
      }
      return (await found(t, TenantIpRulesQuery, { tenantId: owner.tenantId ?? null }, 'Tenant', owner.tenantId, call)).ipRules as IpRule[];
    },

    /** Tenant-wide (neither groupId nor apiKeyId; needs tenant:admin), for a group, or for a key. */
    async create(input: CreateIpRuleInput, call?: CallOptions): Promise<IpRule> {
      return (await t.mutate(CreateIpRuleMutation, { input }, 'IpRulePayload', call)).ipRule as IpRule;
    },

    async delete(id: IpRuleId, call?: CallOptions): Promise<{ deletedIpRuleId: string }> {
      return t.mutate(DeleteIpRuleMutation, { id }, 'DeleteIpRulePayload', call);
    },
  };
}
