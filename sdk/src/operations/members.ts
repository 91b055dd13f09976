import { graphql } from '../gql/index.ts';

// No nested role object: reading another member's role needs roles:read besides members:read.
export const MemberFields = graphql(`
  fragment MemberFields on Member {
    id
    email
    name
    status
    hasPassword
    apiKeyCount
    createdAt
    updatedAt
  }
`);

export const MemberPayloadFields = graphql(`
  fragment MemberPayloadFields on MemberPayload {
    __typename
    member {
      ...MemberFields
    }
  }
`);

export const ListMembersQuery = graphql(`
  query ListMembers($first: Int, $after: String, $filter: MemberFilter, $tenantId: ID) {
    members(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {
      pageInfo {
        ...PageInfoFields
      }
      edges {
        cursor
        node {
          ...MemberFields
        }
      }
    }
  }
`);

export const GetMemberQuery = graphql(`
  query GetMember($id: ID!) {
    member(id: $id) {
      ...MemberFields
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      ...MemberFields
      role {
        id
        name
        builtIn
        scopes
      }
    }
  }
`);

export const CreateMemberMutation = graphql(`
  mutation CreateMember($input: CreateMemberInput!) {
    createMember(input: $input) {
      ...MemberPayloadFields
      ...ErrorFields
    }
  }
`);

export const UpdateMemberMutation = graphql(`
  mutation UpdateMember($input: UpdateMemberInput!) {
    updateMember(input: $input) {
      ...MemberPayloadFields
      ...ErrorFields
    }
  }
`);

export const DeactivateMemberMutation = graphql(`
  mutation DeactivateMember($id: ID!) {
    deactivateMember(id: $id) {
      ...MemberPayloadFields
      ...ErrorFields
    }
  }
`);

export const ReactivateMemberMutation = graphql(`
  mutation ReactivateMember($id: ID!) {
    reactivateMember(id: $id) {
      ...MemberPayloadFields
      ...ErrorFields
    }
  }
`);

export const DeleteMemberMutation = graphql(`
  mutation DeleteMember($id: ID!) {
    deleteMember(id: $id) {
      __typename
      ... on DeleteMemberPayload {
        deletedMemberId
      }
      ...ErrorFields
    }
  }
`);

export const SetMemberPasswordMutation = graphql(`
  mutation SetMemberPassword($input: SetMemberPasswordInput!) {
    setMemberPassword(input: $input) {
      ...MemberPayloadFields
      ...ErrorFields
    }
  }
`);
