import { graphql } from '../gql/index.ts';

// No nested owner/group objects: reading them needs members:read / groups:read besides keys:read,
// and a provisioning key holding only keys:* must be able to read what it creates.
export const ApiKeyFields = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    publicId
    maskedKey
    name
    description
    contactEmail
    status
    scopes
    effectiveScopes
    endpoints
    ipRules {
      ...IpRuleFields
    }
    expiresAt
    rotationGraceEndsAt
    rotation {
      state
      graceEndsAt
      waitUntil
      gracePeriodSeconds
    }
    metadata
    createdBy {
      type
      id
      displayName
    }
    tokenTtlSeconds
    tokenExchangeOnly
    canary
    lastUsedAt
    lastUsedIp
    usageCount
    revokedAt
    revokedReason
    createdAt
    updatedAt
    externalId
    rateLimit {
      limit
      windowMs
    }
    credits {
      remaining
      nextRefillAt
    }
  }
`);

export const ApiKeyPayloadFields = graphql(`
  fragment ApiKeyPayloadFields on ApiKeyPayload {
    __typename
    apiKey {
      ...ApiKeyFields
    }
  }
`);

export const ListKeysQuery = graphql(`
  query ListKeys($first: Int, $after: String, $filter: ApiKeyFilter) {
    apiKeys(first: $first, after: $after, filter: $filter) {
      pageInfo {
        ...PageInfoFields
      }
      edges {
        cursor
        node {
          ...ApiKeyFields
        }
      }
    }
  }
`);

export const GetKeyQuery = graphql(`
  query GetKey($id: ID!) {
    apiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);

export const ExplainAccessQuery = graphql(`
  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {
    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {
      allowed
      code
      detail
      effectiveScopes
      missingScopes
      ipRefusal {
        level
        reason
        cidr
        rule {
          ...IpRuleFields
        }
      }
      apiKey {
        id
        publicId
        name
        status
      }
    }
  }
`);

export const CreateKeyMutation = graphql(`
  mutation CreateKey($input: CreateKeyInput!) {
    createKey(input: $input) {
      __typename
      ... on CreateKeyPayload {
        key
        clientId
        clientSecret
        secret
        revealUrl
        revealLinkExpiresAt
        apiKey {
          ...ApiKeyFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const CreateKeysMutation = graphql(`
  mutation CreateKeys($input: CreateKeysInput!) {
    createKeys(input: $input) {
      __typename
      ... on CreateKeysPayload {
        succeeded
        failed
        results {
          index
          created {
            key
            clientId
            clientSecret
            secret
            revealUrl
            revealLinkExpiresAt
            apiKey {
              ...ApiKeyFields
            }
          }
          error {
            ...ErrorFields
          }
        }
      }
      ...ErrorFields
    }
  }
`);

export const RotateKeysMutation = graphql(`
  mutation RotateKeys($input: RotateKeysInput!) {
    rotateKeys(input: $input) {
      __typename
      ... on RotateKeysPayload {
        succeeded
        failed
        results {
          index
          rotated {
            key
            clientId
            clientSecret
            secret
            revealUrl
            revealLinkExpiresAt
            apiKey {
              ...ApiKeyFields
            }
          }
          error {
            ...ErrorFields
          }
        }
      }
      ...ErrorFields
    }
  }
`);

export const UpdateKeyMutation = graphql(`
  mutation UpdateKey($input: UpdateKeyInput!) {
    updateKey(input: $input) {
      ...ApiKeyPayloadFields
      ...ErrorFields
    }
  }
`);

export const DisableKeyMutation = graphql(`
  mutation DisableKey($id: ID!) {
    disableKey(id: $id) {
      ...ApiKeyPayloadFields
      ...ErrorFields
    }
  }
`);

export const EnableKeyMutation = graphql(`
  mutation EnableKey($id: ID!) {
    enableKey(id: $id) {
      ...ApiKeyPayloadFields
      ...ErrorFields
    }
  }
`);

export const RevokeKeyMutation = graphql(`
  mutation RevokeKey($input: RevokeKeyInput!) {
    revokeKey(input: $input) {
      ...ApiKeyPayloadFields
      ...ErrorFields
    }
  }
`);

export const DeleteKeyMutation = graphql(`
  mutation DeleteKey($id: ID!) {
    deleteKey(id: $id) {
      __typename
      ... on DeleteKeyPayload {
        deletedKeyId
      }
      ...ErrorFields
    }
  }
`);

export const RotateKeyMutation = graphql(`
  mutation RotateKey($input: RotateKeyInput!) {
    rotateKey(input: $input) {
      __typename
      ... on RotateKeyPayload {
        key
        clientId
        clientSecret
        secret
        revealUrl
        revealLinkExpiresAt
        apiKey {
          ...ApiKeyFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const BulkUpdateKeysMutation = graphql(`
  mutation BulkUpdateKeys($input: BulkUpdateKeysInput!) {
    bulkUpdateKeys(input: $input) {
      __typename
      ... on BulkUpdateKeysPayload {
        count
        keyIds
      }
      ...ErrorFields
    }
  }
`);

export const AccessTokenFields = graphql(`
  fragment AccessTokenFields on AccessToken {
    id
    scopes
    status
    expiresAt
    revokedAt
    issuedIp
    createdAt
  }
`);

export const AccessTokenPayloadFields = graphql(`
  fragment AccessTokenPayloadFields on AccessTokenPayload {
    __typename
    accessToken {
      ...AccessTokenFields
    }
  }
`);

export const ListAccessTokensQuery = graphql(`
  query ListAccessTokens($keyId: ID!, $first: Int, $after: String) {
    apiKey(id: $keyId) {
      accessTokens(first: $first, after: $after) {
        pageInfo {
          ...PageInfoFields
        }
        edges {
          cursor
          node {
            ...AccessTokenFields
          }
        }
      }
    }
  }
`);

export const RevokeAccessTokenMutation = graphql(`
  mutation RevokeAccessToken($id: ID!) {
    revokeAccessToken(id: $id) {
      ...AccessTokenPayloadFields
      ...ErrorFields
    }
  }
`);

// Not in ApiKeyFields (a page of keys stays within the query cost limit): the named limits, the
// credits' refill, and the live counters of each limit (Redis), one key at a time.
export const KeyLimitsQuery = graphql(`
  query KeyLimits($id: ID!) {
    apiKey(id: $id) {
      id
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
        refill {
          amount
          intervalSeconds
        }
        nextRefillAt
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
    }
  }
`);

export const ReportLeakedKeyMutation = graphql(`
  mutation ReportLeakedKey($input: ReportLeakedKeyInput!) {
    reportLeakedKey(input: $input) {
      __typename
      ... on ReportLeakedKeyPayload {
        keyId
        policy
        status
        alreadyReported
      }
      ...ErrorFields
    }
  }
`);

export const KeyNetworksQuery = graphql(`
  query KeyNetworks($id: ID!) {
    apiKey(id: $id) {
      id
      networks {
        network
        firstSeenAt
        lastSeenAt
        lastAddress
      }
    }
  }
`);
