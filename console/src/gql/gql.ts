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
    "\n  query KeyFilterGroups { groups(first: 100) { edges { node { id name } } } }\n": typeof types.KeyFilterGroupsDocument,
    "\n  query KeyFilterOwners { members(first: 100) { edges { node { id name email } } } }\n": typeof types.KeyFilterOwnersDocument,
    "\n  query KeyFilterScopes { scopes(first: 100) { edges { node { id name } } } }\n": typeof types.KeyFilterScopesDocument,
    "\n  query ConsoleKey($id: ID!) {\n    apiKey(id: $id) {\n      id name description contactEmail publicId maskedKey status canary tokenExchangeOnly tokenTtlSeconds externalId\n      scopes effectiveScopes endpoints metadata\n      ipRules { id action cidr description }\n      expiresAt createdAt updatedAt revokedAt revokedReason\n      createdBy { type id displayName }\n      lastUsedAt lastUsedIp usageCount\n      credits { remaining nextRefillAt refill { amount intervalSeconds } }\n      rateLimitStatus { name limit windowMs remaining resetAt source counting }\n      rotation { state graceEndsAt waitUntil gracePeriodSeconds }\n      networks { network lastAddress firstSeenAt lastSeenAt }\n    }\n  }\n": typeof types.ConsoleKeyDocument,
    "\n  query ConsoleKeyOwner($id: ID!) {\n    apiKey(id: $id) { id owner { id name email status } }\n  }\n": typeof types.ConsoleKeyOwnerDocument,
    "\n  query ConsoleKeyGroup($id: ID!) {\n    apiKey(id: $id) { id group { id name limitsScopes scopeLimit ipRules { id action cidr description } } }\n  }\n": typeof types.ConsoleKeyGroupDocument,
    "\n  query ConsoleTenantIpRules {\n    tenant { id ipRules { id action cidr description } }\n  }\n": typeof types.ConsoleTenantIpRulesDocument,
    "\n  query ConsoleKeys($first: Int, $after: String, $last: Int, $before: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        node {\n          id name publicId maskedKey status expiresAt lastUsedAt\n          group { id name }\n          owner { id name email }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.ConsoleKeysDocument,
    "\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n": typeof types.ConsoleSessionDocument,
};
const documents: Documents = {
    "\n  query KeyFilterGroups { groups(first: 100) { edges { node { id name } } } }\n": types.KeyFilterGroupsDocument,
    "\n  query KeyFilterOwners { members(first: 100) { edges { node { id name email } } } }\n": types.KeyFilterOwnersDocument,
    "\n  query KeyFilterScopes { scopes(first: 100) { edges { node { id name } } } }\n": types.KeyFilterScopesDocument,
    "\n  query ConsoleKey($id: ID!) {\n    apiKey(id: $id) {\n      id name description contactEmail publicId maskedKey status canary tokenExchangeOnly tokenTtlSeconds externalId\n      scopes effectiveScopes endpoints metadata\n      ipRules { id action cidr description }\n      expiresAt createdAt updatedAt revokedAt revokedReason\n      createdBy { type id displayName }\n      lastUsedAt lastUsedIp usageCount\n      credits { remaining nextRefillAt refill { amount intervalSeconds } }\n      rateLimitStatus { name limit windowMs remaining resetAt source counting }\n      rotation { state graceEndsAt waitUntil gracePeriodSeconds }\n      networks { network lastAddress firstSeenAt lastSeenAt }\n    }\n  }\n": types.ConsoleKeyDocument,
    "\n  query ConsoleKeyOwner($id: ID!) {\n    apiKey(id: $id) { id owner { id name email status } }\n  }\n": types.ConsoleKeyOwnerDocument,
    "\n  query ConsoleKeyGroup($id: ID!) {\n    apiKey(id: $id) { id group { id name limitsScopes scopeLimit ipRules { id action cidr description } } }\n  }\n": types.ConsoleKeyGroupDocument,
    "\n  query ConsoleTenantIpRules {\n    tenant { id ipRules { id action cidr description } }\n  }\n": types.ConsoleTenantIpRulesDocument,
    "\n  query ConsoleKeys($first: Int, $after: String, $last: Int, $before: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        node {\n          id name publicId maskedKey status expiresAt lastUsedAt\n          group { id name }\n          owner { id name email }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.ConsoleKeysDocument,
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
export function graphql(source: "\n  query KeyFilterGroups { groups(first: 100) { edges { node { id name } } } }\n"): (typeof documents)["\n  query KeyFilterGroups { groups(first: 100) { edges { node { id name } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyFilterOwners { members(first: 100) { edges { node { id name email } } } }\n"): (typeof documents)["\n  query KeyFilterOwners { members(first: 100) { edges { node { id name email } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyFilterScopes { scopes(first: 100) { edges { node { id name } } } }\n"): (typeof documents)["\n  query KeyFilterScopes { scopes(first: 100) { edges { node { id name } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKey($id: ID!) {\n    apiKey(id: $id) {\n      id name description contactEmail publicId maskedKey status canary tokenExchangeOnly tokenTtlSeconds externalId\n      scopes effectiveScopes endpoints metadata\n      ipRules { id action cidr description }\n      expiresAt createdAt updatedAt revokedAt revokedReason\n      createdBy { type id displayName }\n      lastUsedAt lastUsedIp usageCount\n      credits { remaining nextRefillAt refill { amount intervalSeconds } }\n      rateLimitStatus { name limit windowMs remaining resetAt source counting }\n      rotation { state graceEndsAt waitUntil gracePeriodSeconds }\n      networks { network lastAddress firstSeenAt lastSeenAt }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleKey($id: ID!) {\n    apiKey(id: $id) {\n      id name description contactEmail publicId maskedKey status canary tokenExchangeOnly tokenTtlSeconds externalId\n      scopes effectiveScopes endpoints metadata\n      ipRules { id action cidr description }\n      expiresAt createdAt updatedAt revokedAt revokedReason\n      createdBy { type id displayName }\n      lastUsedAt lastUsedIp usageCount\n      credits { remaining nextRefillAt refill { amount intervalSeconds } }\n      rateLimitStatus { name limit windowMs remaining resetAt source counting }\n      rotation { state graceEndsAt waitUntil gracePeriodSeconds }\n      networks { network lastAddress firstSeenAt lastSeenAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKeyOwner($id: ID!) {\n    apiKey(id: $id) { id owner { id name email status } }\n  }\n"): (typeof documents)["\n  query ConsoleKeyOwner($id: ID!) {\n    apiKey(id: $id) { id owner { id name email status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKeyGroup($id: ID!) {\n    apiKey(id: $id) { id group { id name limitsScopes scopeLimit ipRules { id action cidr description } } }\n  }\n"): (typeof documents)["\n  query ConsoleKeyGroup($id: ID!) {\n    apiKey(id: $id) { id group { id name limitsScopes scopeLimit ipRules { id action cidr description } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleTenantIpRules {\n    tenant { id ipRules { id action cidr description } }\n  }\n"): (typeof documents)["\n  query ConsoleTenantIpRules {\n    tenant { id ipRules { id action cidr description } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKeys($first: Int, $after: String, $last: Int, $before: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        node {\n          id name publicId maskedKey status expiresAt lastUsedAt\n          group { id name }\n          owner { id name email }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleKeys($first: Int, $after: String, $last: Int, $before: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        node {\n          id name publicId maskedKey status expiresAt lastUsedAt\n          group { id name }\n          owner { id name email }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n"): (typeof documents)["\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;