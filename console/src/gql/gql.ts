/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query AuditTrail($first: Int!, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      edges { node { ...AuditRow } }\n      pageInfo { hasNextPage endCursor }\n    }\n    newest: auditEvents(first: 1) { edges { node { id } } }\n  }\n": typeof types.AuditTrailDocument,
    "\n  subscription AuditLive($afterId: ID) {\n    auditEvents(afterId: $afterId) { ...AuditRow }\n  }\n": typeof types.AuditLiveDocument,
    "\n  fragment AuditRow on AuditEvent {\n    id seq action actorType actorId actorPublicId targetType targetId ip userAgent requestId changes createdAt\n  }\n": typeof types.AuditRowFragmentDoc,
    "\n  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {\n    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {\n      allowed\n      code\n      detail\n      effectiveScopes\n      missingScopes\n      ipRefusal { level reason cidr rule { id cidr action level description } }\n      apiKey { id name publicId maskedKey status expiresAt revokedAt revokedReason endpoints group { id name } owner { id name } }\n    }\n  }\n": typeof types.ExplainAccessDocument,
    "\n  query ExplainKeyByPublicId($search: String!) {\n    apiKeys(first: 20, filter: { search: $search }) { edges { node { id publicId } } }\n  }\n": typeof types.ExplainKeyByPublicIdDocument,
    "\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ConsoleKeysDocument,
    "\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n": typeof types.ConsoleSessionDocument,
};
const documents: Documents = {
    "\n  query AuditTrail($first: Int!, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      edges { node { ...AuditRow } }\n      pageInfo { hasNextPage endCursor }\n    }\n    newest: auditEvents(first: 1) { edges { node { id } } }\n  }\n": types.AuditTrailDocument,
    "\n  subscription AuditLive($afterId: ID) {\n    auditEvents(afterId: $afterId) { ...AuditRow }\n  }\n": types.AuditLiveDocument,
    "\n  fragment AuditRow on AuditEvent {\n    id seq action actorType actorId actorPublicId targetType targetId ip userAgent requestId changes createdAt\n  }\n": types.AuditRowFragmentDoc,
    "\n  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {\n    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {\n      allowed\n      code\n      detail\n      effectiveScopes\n      missingScopes\n      ipRefusal { level reason cidr rule { id cidr action level description } }\n      apiKey { id name publicId maskedKey status expiresAt revokedAt revokedReason endpoints group { id name } owner { id name } }\n    }\n  }\n": types.ExplainAccessDocument,
    "\n  query ExplainKeyByPublicId($search: String!) {\n    apiKeys(first: 20, filter: { search: $search }) { edges { node { id publicId } } }\n  }\n": types.ExplainKeyByPublicIdDocument,
    "\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ConsoleKeysDocument,
    "\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n": types.ConsoleSessionDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditTrail($first: Int!, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      edges { node { ...AuditRow } }\n      pageInfo { hasNextPage endCursor }\n    }\n    newest: auditEvents(first: 1) { edges { node { id } } }\n  }\n"): (typeof documents)["\n  query AuditTrail($first: Int!, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      edges { node { ...AuditRow } }\n      pageInfo { hasNextPage endCursor }\n    }\n    newest: auditEvents(first: 1) { edges { node { id } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuditLive($afterId: ID) {\n    auditEvents(afterId: $afterId) { ...AuditRow }\n  }\n"): (typeof documents)["\n  subscription AuditLive($afterId: ID) {\n    auditEvents(afterId: $afterId) { ...AuditRow }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditRow on AuditEvent {\n    id seq action actorType actorId actorPublicId targetType targetId ip userAgent requestId changes createdAt\n  }\n"): (typeof documents)["\n  fragment AuditRow on AuditEvent {\n    id seq action actorType actorId actorPublicId targetType targetId ip userAgent requestId changes createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {\n    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {\n      allowed\n      code\n      detail\n      effectiveScopes\n      missingScopes\n      ipRefusal { level reason cidr rule { id cidr action level description } }\n      apiKey { id name publicId maskedKey status expiresAt revokedAt revokedReason endpoints group { id name } owner { id name } }\n    }\n  }\n"): (typeof documents)["\n  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {\n    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {\n      allowed\n      code\n      detail\n      effectiveScopes\n      missingScopes\n      ipRefusal { level reason cidr rule { id cidr action level description } }\n      apiKey { id name publicId maskedKey status expiresAt revokedAt revokedReason endpoints group { id name } owner { id name } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExplainKeyByPublicId($search: String!) {\n    apiKeys(first: 20, filter: { search: $search }) { edges { node { id publicId } } }\n  }\n"): (typeof documents)["\n  query ExplainKeyByPublicId($search: String!) {\n    apiKeys(first: 20, filter: { search: $search }) { edges { node { id publicId } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n"): (typeof documents)["\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;