import { graphql } from '../gql/index.ts';

export const VerifyQuery = graphql(`
  query Verify($input: VerifyInput!) {
    verify(input: $input) {
      valid
      code
      message
      credentialType
      keyId
      publicId
      tokenId
      tenantId
      ownerId
      name
      scopes
      metadata
      expiresAt
      rateLimit {
        limit
        remaining
        resetAt
      }
      rateLimits {
        name
        level
        limit
        remaining
        resetAt
      }
      remainingUses
      cacheableUntil
      missingScopes
      retryAfter
      limitName
    }
  }
`);
