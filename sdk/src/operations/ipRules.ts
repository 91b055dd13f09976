import { graphql } from '../gql/index.ts';

// No nested group/apiKey objects: reading them needs other scopes than the rule itself.
export const IpRuleFields = graphql(`
  fragment IpRuleFields on IpRule {
    id
    action
    cidr
    description
    level
    createdAt
  }
`);

export const IpRulePayloadFields = graphql(`
  fragment IpRulePayloadFields on IpRulePayload {
    __typename
    ipRule {
      ...IpRuleFields
    }
  }
`);

export const TenantIpRulesQuery = graphql(`
  query TenantIpRules($tenantId: ID) {
    tenant(id: $tenantId) {
      id
      ipRules {
        ...IpRuleFields
      }
    }
  }
`);

export const GroupIpRulesQuery = graphql(`
  query GroupIpRules($groupId: ID!) {
    group(id: $groupId) {
      id
      ipRules {
        ...IpRuleFields
      }
    }
  }
`);

export const KeyIpRulesQuery = graphql(`
  query KeyIpRules($apiKeyId: ID!) {
    apiKey(id: $apiKeyId) {
      id
      ipRules {
        ...IpRuleFields
      }
    }
  }
`);

export const CreateIpRuleMutation = graphql(`
  mutation CreateIpRule($input: CreateIpRuleInput!) {
    createIpRule(input: $input) {
      ...IpRulePayloadFields
      ...ErrorFields
    }
  }
`);

export const DeleteIpRuleMutation = graphql(`
  mutation DeleteIpRule($id: ID!) {
    deleteIpRule(id: $id) {
      __typename
      ... on DeleteIpRulePayload {
        deletedIpRuleId
      }
      ...ErrorFields
    }
  }
`);
