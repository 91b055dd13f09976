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
    "\n  query OrgGroups($after: String, $filter: GroupFilter) {\n    groups(first: 50, after: $after, filter: $filter) {\n      edges {\n        node {\n          id name description keyCount defaultScopes limitsScopes scopeLimit defaultExpirySeconds tokenTtlSeconds updatedAt\n          ipRules { id action cidr description }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.OrgGroupsDocument,
    "\n  query OrgGroupScopeChoices {\n    scopes(first: 100) { edges { node { name } } }\n    managementScopes { name }\n  }\n": typeof types.OrgGroupScopeChoicesDocument,
    "\n  query CreateKeyTenant {\n    tenant { id maxKeyLifetimeSeconds }\n  }\n": typeof types.CreateKeyTenantDocument,
    "\n  query CreateKeyGroups($after: String) {\n    groups(first: 100, after: $after) {\n      edges { node { id name defaultScopes defaultExpirySeconds } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.CreateKeyGroupsDocument,
    "\n  query CreateKeyMembers($after: String) {\n    members(first: 100, after: $after, filter: { status: ACTIVE }) {\n      edges { node { id name email } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.CreateKeyMembersDocument,
    "\n  query CreateKeyScopes($after: String) {\n    scopes(first: 100, after: $after) {\n      edges { node { id name description } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.CreateKeyScopesDocument,
    "\n  query CreateKeyManagementScopes {\n    managementScopes { name description }\n  }\n": typeof types.CreateKeyManagementScopesDocument,
    "\n  query KeyFilterGroups { groups(first: 100) { edges { node { id name } } } }\n": typeof types.KeyFilterGroupsDocument,
    "\n  query KeyFilterOwners { members(first: 100) { edges { node { id name email } } } }\n": typeof types.KeyFilterOwnersDocument,
    "\n  query KeyFilterScopes { scopes(first: 100) { edges { node { id name } } } }\n": typeof types.KeyFilterScopesDocument,
    "\n  query ConsoleKey($id: ID!) {\n    apiKey(id: $id) {\n      id name description contactEmail publicId maskedKey status canary tokenExchangeOnly tokenTtlSeconds externalId\n      scopes effectiveScopes endpoints metadata\n      ipRules { id action cidr description }\n      expiresAt createdAt updatedAt revokedAt revokedReason\n      createdBy { type id displayName }\n      lastUsedAt lastUsedIp usageCount\n      credits { remaining nextRefillAt refill { amount intervalSeconds } }\n      rateLimitStatus { name limit windowMs remaining resetAt source counting }\n      rotation { state graceEndsAt waitUntil gracePeriodSeconds }\n      networks { network lastAddress firstSeenAt lastSeenAt }\n    }\n  }\n": typeof types.ConsoleKeyDocument,
    "\n  query ConsoleKeyOwner($id: ID!) {\n    apiKey(id: $id) { id owner { id name email status } }\n  }\n": typeof types.ConsoleKeyOwnerDocument,
    "\n  query ConsoleKeyGroup($id: ID!) {\n    apiKey(id: $id) { id group { id name limitsScopes scopeLimit ipRules { id action cidr description } } }\n  }\n": typeof types.ConsoleKeyGroupDocument,
    "\n  query ConsoleTenantIpRules {\n    tenant { id ipRules { id action cidr description } }\n  }\n": typeof types.ConsoleTenantIpRulesDocument,
    "\n  query ConsoleKeys($first: Int, $after: String, $last: Int, $before: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        node {\n          id name publicId maskedKey status expiresAt lastUsedAt\n          group { id name }\n          owner { id name email }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.ConsoleKeysDocument,
    "\n  query ConsoleMembers($first: Int!, $after: String, $search: String) {\n    members(first: $first, after: $after, filter: { search: $search }) {\n      edges { node { id name email status hasPassword apiKeyCount createdAt role { id name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    roles(first: 100) { edges { node { id name builtIn } } }\n  }\n": typeof types.ConsoleMembersDocument,
    "\n  query ConsoleRoles {\n    roles(first: 100) { edges { node { id name description builtIn scopes memberCount } } }\n    managementScopes { name description }\n    scopes(first: 100) { edges { node { id name description } } }\n  }\n": typeof types.ConsoleRolesDocument,
    "\n  query OrgScopes($after: String) {\n    scopes(first: 100, after: $after) {\n      edges { node { id name description createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n    managementScopes { name description }\n  }\n": typeof types.OrgScopesDocument,
    "\n  query OrgTenantSettings {\n    tenant {\n      id name slug status apiEnabled keyPrefix maxKeyLifetimeSeconds defaultTokenTtlSeconds maxTokenTtlSeconds\n      allowQueryParamKey leakedKeyPolicy auditRetentionDays updatedAt\n      ipRules { id action cidr description createdAt }\n    }\n  }\n": typeof types.OrgTenantSettingsDocument,
    "\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n": typeof types.ConsoleSessionDocument,
};
const documents: Documents = {
    "\n  query AuditTrail($first: Int!, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      edges { node { ...AuditRow } }\n      pageInfo { hasNextPage endCursor }\n    }\n    newest: auditEvents(first: 1) { edges { node { id } } }\n  }\n": types.AuditTrailDocument,
    "\n  subscription AuditLive($afterId: ID) {\n    auditEvents(afterId: $afterId) { ...AuditRow }\n  }\n": types.AuditLiveDocument,
    "\n  fragment AuditRow on AuditEvent {\n    id seq action actorType actorId actorPublicId targetType targetId ip userAgent requestId changes createdAt\n  }\n": types.AuditRowFragmentDoc,
    "\n  query ExplainAccess($keyId: ID!, $ip: String!, $endpoint: String, $scopes: [String!]) {\n    explainAccess(keyId: $keyId, ip: $ip, endpoint: $endpoint, scopes: $scopes) {\n      allowed\n      code\n      detail\n      effectiveScopes\n      missingScopes\n      ipRefusal { level reason cidr rule { id cidr action level description } }\n      apiKey { id name publicId maskedKey status expiresAt revokedAt revokedReason endpoints group { id name } owner { id name } }\n    }\n  }\n": types.ExplainAccessDocument,
    "\n  query ExplainKeyByPublicId($search: String!) {\n    apiKeys(first: 20, filter: { search: $search }) { edges { node { id publicId } } }\n  }\n": types.ExplainKeyByPublicIdDocument,
    "\n  query OrgGroups($after: String, $filter: GroupFilter) {\n    groups(first: 50, after: $after, filter: $filter) {\n      edges {\n        node {\n          id name description keyCount defaultScopes limitsScopes scopeLimit defaultExpirySeconds tokenTtlSeconds updatedAt\n          ipRules { id action cidr description }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.OrgGroupsDocument,
    "\n  query OrgGroupScopeChoices {\n    scopes(first: 100) { edges { node { name } } }\n    managementScopes { name }\n  }\n": types.OrgGroupScopeChoicesDocument,
    "\n  query CreateKeyTenant {\n    tenant { id maxKeyLifetimeSeconds }\n  }\n": types.CreateKeyTenantDocument,
    "\n  query CreateKeyGroups($after: String) {\n    groups(first: 100, after: $after) {\n      edges { node { id name defaultScopes defaultExpirySeconds } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.CreateKeyGroupsDocument,
    "\n  query CreateKeyMembers($after: String) {\n    members(first: 100, after: $after, filter: { status: ACTIVE }) {\n      edges { node { id name email } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.CreateKeyMembersDocument,
    "\n  query CreateKeyScopes($after: String) {\n    scopes(first: 100, after: $after) {\n      edges { node { id name description } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.CreateKeyScopesDocument,
    "\n  query CreateKeyManagementScopes {\n    managementScopes { name description }\n  }\n": types.CreateKeyManagementScopesDocument,
    "\n  query KeyFilterGroups { groups(first: 100) { edges { node { id name } } } }\n": types.KeyFilterGroupsDocument,
    "\n  query KeyFilterOwners { members(first: 100) { edges { node { id name email } } } }\n": types.KeyFilterOwnersDocument,
    "\n  query KeyFilterScopes { scopes(first: 100) { edges { node { id name } } } }\n": types.KeyFilterScopesDocument,
    "\n  query ConsoleKey($id: ID!) {\n    apiKey(id: $id) {\n      id name description contactEmail publicId maskedKey status canary tokenExchangeOnly tokenTtlSeconds externalId\n      scopes effectiveScopes endpoints metadata\n      ipRules { id action cidr description }\n      expiresAt createdAt updatedAt revokedAt revokedReason\n      createdBy { type id displayName }\n      lastUsedAt lastUsedIp usageCount\n      credits { remaining nextRefillAt refill { amount intervalSeconds } }\n      rateLimitStatus { name limit windowMs remaining resetAt source counting }\n      rotation { state graceEndsAt waitUntil gracePeriodSeconds }\n      networks { network lastAddress firstSeenAt lastSeenAt }\n    }\n  }\n": types.ConsoleKeyDocument,
    "\n  query ConsoleKeyOwner($id: ID!) {\n    apiKey(id: $id) { id owner { id name email status } }\n  }\n": types.ConsoleKeyOwnerDocument,
    "\n  query ConsoleKeyGroup($id: ID!) {\n    apiKey(id: $id) { id group { id name limitsScopes scopeLimit ipRules { id action cidr description } } }\n  }\n": types.ConsoleKeyGroupDocument,
    "\n  query ConsoleTenantIpRules {\n    tenant { id ipRules { id action cidr description } }\n  }\n": types.ConsoleTenantIpRulesDocument,
    "\n  query ConsoleKeys($first: Int, $after: String, $last: Int, $before: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        node {\n          id name publicId maskedKey status expiresAt lastUsedAt\n          group { id name }\n          owner { id name email }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.ConsoleKeysDocument,
    "\n  query ConsoleMembers($first: Int!, $after: String, $search: String) {\n    members(first: $first, after: $after, filter: { search: $search }) {\n      edges { node { id name email status hasPassword apiKeyCount createdAt role { id name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    roles(first: 100) { edges { node { id name builtIn } } }\n  }\n": types.ConsoleMembersDocument,
    "\n  query ConsoleRoles {\n    roles(first: 100) { edges { node { id name description builtIn scopes memberCount } } }\n    managementScopes { name description }\n    scopes(first: 100) { edges { node { id name description } } }\n  }\n": types.ConsoleRolesDocument,
    "\n  query OrgScopes($after: String) {\n    scopes(first: 100, after: $after) {\n      edges { node { id name description createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n    managementScopes { name description }\n  }\n": types.OrgScopesDocument,
    "\n  query OrgTenantSettings {\n    tenant {\n      id name slug status apiEnabled keyPrefix maxKeyLifetimeSeconds defaultTokenTtlSeconds maxTokenTtlSeconds\n      allowQueryParamKey leakedKeyPolicy auditRetentionDays updatedAt\n      ipRules { id action cidr description createdAt }\n    }\n  }\n": types.OrgTenantSettingsDocument,
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
export function graphql(source: "\n  query OrgGroups($after: String, $filter: GroupFilter) {\n    groups(first: 50, after: $after, filter: $filter) {\n      edges {\n        node {\n          id name description keyCount defaultScopes limitsScopes scopeLimit defaultExpirySeconds tokenTtlSeconds updatedAt\n          ipRules { id action cidr description }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query OrgGroups($after: String, $filter: GroupFilter) {\n    groups(first: 50, after: $after, filter: $filter) {\n      edges {\n        node {\n          id name description keyCount defaultScopes limitsScopes scopeLimit defaultExpirySeconds tokenTtlSeconds updatedAt\n          ipRules { id action cidr description }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrgGroupScopeChoices {\n    scopes(first: 100) { edges { node { name } } }\n    managementScopes { name }\n  }\n"): (typeof documents)["\n  query OrgGroupScopeChoices {\n    scopes(first: 100) { edges { node { name } } }\n    managementScopes { name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CreateKeyTenant {\n    tenant { id maxKeyLifetimeSeconds }\n  }\n"): (typeof documents)["\n  query CreateKeyTenant {\n    tenant { id maxKeyLifetimeSeconds }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CreateKeyGroups($after: String) {\n    groups(first: 100, after: $after) {\n      edges { node { id name defaultScopes defaultExpirySeconds } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query CreateKeyGroups($after: String) {\n    groups(first: 100, after: $after) {\n      edges { node { id name defaultScopes defaultExpirySeconds } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CreateKeyMembers($after: String) {\n    members(first: 100, after: $after, filter: { status: ACTIVE }) {\n      edges { node { id name email } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query CreateKeyMembers($after: String) {\n    members(first: 100, after: $after, filter: { status: ACTIVE }) {\n      edges { node { id name email } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CreateKeyScopes($after: String) {\n    scopes(first: 100, after: $after) {\n      edges { node { id name description } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query CreateKeyScopes($after: String) {\n    scopes(first: 100, after: $after) {\n      edges { node { id name description } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CreateKeyManagementScopes {\n    managementScopes { name description }\n  }\n"): (typeof documents)["\n  query CreateKeyManagementScopes {\n    managementScopes { name description }\n  }\n"];
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
export function graphql(source: "\n  query ConsoleMembers($first: Int!, $after: String, $search: String) {\n    members(first: $first, after: $after, filter: { search: $search }) {\n      edges { node { id name email status hasPassword apiKeyCount createdAt role { id name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    roles(first: 100) { edges { node { id name builtIn } } }\n  }\n"): (typeof documents)["\n  query ConsoleMembers($first: Int!, $after: String, $search: String) {\n    members(first: $first, after: $after, filter: { search: $search }) {\n      edges { node { id name email status hasPassword apiKeyCount createdAt role { id name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    roles(first: 100) { edges { node { id name builtIn } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRoles {\n    roles(first: 100) { edges { node { id name description builtIn scopes memberCount } } }\n    managementScopes { name description }\n    scopes(first: 100) { edges { node { id name description } } }\n  }\n"): (typeof documents)["\n  query ConsoleRoles {\n    roles(first: 100) { edges { node { id name description builtIn scopes memberCount } } }\n    managementScopes { name description }\n    scopes(first: 100) { edges { node { id name description } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrgScopes($after: String) {\n    scopes(first: 100, after: $after) {\n      edges { node { id name description createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n    managementScopes { name description }\n  }\n"): (typeof documents)["\n  query OrgScopes($after: String) {\n    scopes(first: 100, after: $after) {\n      edges { node { id name description createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n    managementScopes { name description }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrgTenantSettings {\n    tenant {\n      id name slug status apiEnabled keyPrefix maxKeyLifetimeSeconds defaultTokenTtlSeconds maxTokenTtlSeconds\n      allowQueryParamKey leakedKeyPolicy auditRetentionDays updatedAt\n      ipRules { id action cidr description createdAt }\n    }\n  }\n"): (typeof documents)["\n  query OrgTenantSettings {\n    tenant {\n      id name slug status apiEnabled keyPrefix maxKeyLifetimeSeconds defaultTokenTtlSeconds maxTokenTtlSeconds\n      allowQueryParamKey leakedKeyPolicy auditRetentionDays updatedAt\n      ipRules { id action cidr description createdAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n"): (typeof documents)["\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;