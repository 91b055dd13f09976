import { graphql } from '../gql/index.ts';

export const IdentityFields = graphql(`
  fragment IdentityFields on Identity {
    externalId
    keyCount
    rateLimit {
      limit
      windowMs
    }
    namedRateLimits {
      name
      limit
      windowMs
    }
    rateLimitStatus {
      name
      counting
      source
      limit
      windowMs
      remaining
      resetAt
    }
    createdAt
    updatedAt
  }
`);

export const GetIdentityQuery = graphql(`
  query GetIdentity($externalId: String!) {
    identity(externalId: $externalId) {
      ...IdentityFields
    }
  }
`);

export const SetIdentityLimitsMutation = graphql(`
  mutation SetIdentityLimits($input: SetIdentityLimitsInput!) {
    setIdentityLimits(input: $input) {
      __typename
      ... on IdentityPayload {
        identity {
          ...IdentityFields
        }
      }
      ...ErrorFields
    }
  }
`);
