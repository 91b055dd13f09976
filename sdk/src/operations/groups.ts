import { graphql } from '../gql/index.ts';

export const GroupFields = graphql(`
  fragment GroupFields on Group {
    id
    name
    description
    defaultScopes
    limitsScopes
    scopeLimit
    defaultExpirySeconds
    tokenTtlSeconds
    keyCount
    ipRules {
      ...IpRuleFields
    }
    rateLimit {
      limit
      windowMs
    }
    namedRateLimits {
      name
      limit
      windowMs
    }
    credits {
      remaining
    }
    createdAt
    updatedAt
  }
`);

export const GroupPayloadFields = graphql(`
  fragment GroupPayloadFields on GroupPayload {
    __typename
    group {
      ...GroupFields
    }
  }
`);

export const ListGroupsQuery = graphql(`
  query ListGroups($first: Int, $after: String, $filter: GroupFilter) {
    groups(first: $first, after: $after, filter: $filter) {
      pageInfo {
        ...PageInfoFields
      }
      edges {
        cursor
        node {
          ...GroupFields
        }
      }
    }
  }
`);

export const GetGroupQuery = graphql(`
  query GetGroup($id: ID!) {
    group(id: $id) {
      ...GroupFields
    }
  }
`);

export const CreateGroupMutation = graphql(`
  mutation CreateGroup($input: CreateGroupInput!) {
    createGroup(input: $input) {
      ...GroupPayloadFields
      ...ErrorFields
    }
  }
`);

export const UpdateGroupMutation = graphql(`
  mutation UpdateGroup($input: UpdateGroupInput!) {
    updateGroup(input: $input) {
      ...GroupPayloadFields
      ...ErrorFields
    }
  }
`);

export const DeleteGroupMutation = graphql(`
  mutation DeleteGroup($input: DeleteGroupInput!) {
    deleteGroup(input: $input) {
      __typename
      ... on DeleteGroupPayload {
        deletedGroupId
        movedKeyCount
        revokedKeyCount
      }
      ...ErrorFields
    }
  }
`);
