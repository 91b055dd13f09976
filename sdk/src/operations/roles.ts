import { graphql } from '../gql/index.ts';

export const RoleFields = graphql(`
  fragment RoleFields on Role {
    id
    name
    description
    builtIn
    scopes
    memberCount
    createdAt
    updatedAt
  }
`);

export const RolePayloadFields = graphql(`
  fragment RolePayloadFields on RolePayload {
    __typename
    role {
      ...RoleFields
    }
  }
`);

export const ListRolesQuery = graphql(`
  query ListRoles($first: Int, $after: String, $filter: RoleFilter, $tenantId: ID) {
    roles(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {
      pageInfo {
        ...PageInfoFields
      }
      edges {
        cursor
        node {
          ...RoleFields
        }
      }
    }
  }
`);

export const GetRoleQuery = graphql(`
  query GetRole($id: ID!) {
    role(id: $id) {
      ...RoleFields
    }
  }
`);

export const CreateRoleMutation = graphql(`
  mutation CreateRole($input: CreateRoleInput!) {
    createRole(input: $input) {
      ...RolePayloadFields
      ...ErrorFields
    }
  }
`);

export const UpdateRoleMutation = graphql(`
  mutation UpdateRole($input: UpdateRoleInput!) {
    updateRole(input: $input) {
      ...RolePayloadFields
      ...ErrorFields
    }
  }
`);

export const DeleteRoleMutation = graphql(`
  mutation DeleteRole($input: DeleteRoleInput!) {
    deleteRole(input: $input) {
      __typename
      ... on DeleteRolePayload {
        deletedRoleId
      }
      ...ErrorFields
    }
  }
`);
