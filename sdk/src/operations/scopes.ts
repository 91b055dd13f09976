import { graphql } from '../gql/index.ts';

export const ScopeFields = graphql(`
  fragment ScopeFields on Scope {
    id
    name
    description
    createdAt
  }
`);

export const ScopePayloadFields = graphql(`
  fragment ScopePayloadFields on ScopePayload {
    __typename
    scope {
      ...ScopeFields
    }
  }
`);

export const ListScopesQuery = graphql(`
  query ListScopes($first: Int, $after: String, $filter: ScopeFilter, $tenantId: ID) {
    scopes(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {
      pageInfo {
        ...PageInfoFields
      }
      edges {
        cursor
        node {
          ...ScopeFields
        }
      }
    }
  }
`);

export const ManagementScopesQuery = graphql(`
  query ManagementScopes {
    managementScopes {
      name
      description
    }
  }
`);

export const CreateScopeMutation = graphql(`
  mutation CreateScope($input: CreateScopeInput!) {
    createScope(input: $input) {
      ...ScopePayloadFields
      ...ErrorFields
    }
  }
`);

export const UpdateScopeMutation = graphql(`
  mutation UpdateScope($input: UpdateScopeInput!) {
    updateScope(input: $input) {
      ...ScopePayloadFields
      ...ErrorFields
    }
  }
`);

export const DeleteScopeMutation = graphql(`
  mutation DeleteScope($input: DeleteScopeInput!) {
    deleteScope(input: $input) {
      __typename
      ... on DeleteScopePayload {
        deletedScopeId
      }
      ...ErrorFields
    }
  }
`);
