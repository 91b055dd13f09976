import { graphql } from '../gql/index.ts';

export const AuditEventFields = graphql(`
  fragment AuditEventFields on AuditEvent {
    id
    tenantId
    seq
    actorType
    actorId
    actorPublicId
    action
    targetType
    targetId
    ip
    userAgent
    requestId
    changes
    createdAt
    prevHash
    hash
  }
`);

export const ListAuditEventsQuery = graphql(`
  query ListAuditEvents($first: Int, $after: String, $filter: AuditEventFilter, $tenantId: ID) {
    auditEvents(first: $first, after: $after, filter: $filter, tenantId: $tenantId) {
      pageInfo {
        ...PageInfoFields
      }
      edges {
        cursor
        node {
          ...AuditEventFields
        }
      }
    }
  }
`);

export const VerifyAuditChainQuery = graphql(`
  query VerifyAuditChain($tenantId: ID) {
    verifyAuditChain(tenantId: $tenantId) {
      ok
      checkedEvents
      firstSeq
      lastSeq
      lastHash
      firstBrokenSeq
      firstBrokenEventId
      reason
    }
  }
`);

export const AuditEventsSubscription = graphql(`
  subscription AuditEventsStream($afterId: ID, $tenantId: ID) {
    auditEvents(afterId: $afterId, tenantId: $tenantId) {
      ...AuditEventFields
    }
  }
`);
