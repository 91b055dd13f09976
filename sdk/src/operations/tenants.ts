import { graphql } from '../gql/index.ts';

export const TenantFields = graphql(`
  fragment TenantFields on Tenant {
    id
    name
    slug
    status
    apiEnabled
    keyPrefix
    maxKeyLifetimeSeconds
    defaultTokenTtlSeconds
    maxTokenTtlSeconds
    allowQueryParamKey
    auditRetentionDays
    leakedKeyPolicy
    createdAt
    updatedAt
  }
`);

export const TenantPayloadFields = graphql(`
  fragment TenantPayloadFields on TenantPayload {
    __typename
    tenant {
      ...TenantFields
    }
  }
`);

export const ListTenantsQuery = graphql(`
  query ListTenants($first: Int, $after: String, $filter: TenantFilter) {
    tenants(first: $first, after: $after, filter: $filter) {
      pageInfo {
        ...PageInfoFields
      }
      edges {
        cursor
        node {
          ...TenantFields
        }
      }
    }
  }
`);

export const GetTenantQuery = graphql(`
  query GetTenant($id: ID) {
    tenant(id: $id) {
      ...TenantFields
    }
  }
`);

export const CreateTenantMutation = graphql(`
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      ...TenantPayloadFields
      ...ErrorFields
    }
  }
`);

export const UpdateTenantMutation = graphql(`
  mutation UpdateTenant($input: UpdateTenantInput!) {
    updateTenant(input: $input) {
      ...TenantPayloadFields
      ...ErrorFields
    }
  }
`);

export const SuspendTenantMutation = graphql(`
  mutation SuspendTenant($id: ID!) {
    suspendTenant(id: $id) {
      ...TenantPayloadFields
      ...ErrorFields
    }
  }
`);

export const ResumeTenantMutation = graphql(`
  mutation ResumeTenant($id: ID!) {
    resumeTenant(id: $id) {
      ...TenantPayloadFields
      ...ErrorFields
    }
  }
`);
