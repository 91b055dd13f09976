import { graphql } from '../gql/index.ts';

export const SessionFields = graphql(`
  fragment SessionFields on Session {
    id
    current
    createdAt
    expiresAt
    revokedAt
    lastUsedAt
    ip
    userAgent
  }
`);

export const SessionPayloadFields = graphql(`
  fragment SessionPayloadFields on SessionPayload {
    __typename
    session {
      ...SessionFields
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on LoginPayload {
        token
        expiresAt
        member {
          ...MemberFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout {
      ...SessionPayloadFields
      ...ErrorFields
    }
  }
`);

export const RevokeSessionMutation = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id) {
      ...SessionPayloadFields
      ...ErrorFields
    }
  }
`);

export const MemberSessionsQuery = graphql(`
  query MemberSessions($memberId: ID!, $first: Int, $after: String) {
    member(id: $memberId) {
      id
      sessions(first: $first, after: $after) {
        pageInfo {
          ...PageInfoFields
        }
        edges {
          cursor
          node {
            ...SessionFields
          }
        }
      }
    }
  }
`);
