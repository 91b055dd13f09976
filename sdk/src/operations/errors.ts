import { graphql } from '../gql/index.ts';

// Every mutation selects this on its result union: the members that implement `Error` become the
// SDK's error classes in one place (src/errors.ts), whatever the mutation.
export const ErrorFields = graphql(`
  fragment ErrorFields on Error {
    __typename
    message
    code
    ... on ValidationError {
      fieldErrors {
        path
        message
      }
    }
    ... on ForbiddenError {
      missingScopes
    }
    ... on ConflictError {
      field
    }
    ... on NotFoundError {
      resource
    }
    ... on RateLimitedError {
      retryAfter
    }
  }
`);

export const PageInfoFields = graphql(`
  fragment PageInfoFields on PageInfo {
    hasNextPage
    endCursor
  }
`);
