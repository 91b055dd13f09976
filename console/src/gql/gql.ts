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
    "\n  query OrgGroups($after: String, $filter: GroupFilter) {\n    groups(first: 50, after: $after, filter: $filter) {\n      edges {\n        node {\n          id name description keyCount defaultScopes limitsScopes scopeLimit defaultExpirySeconds tokenTtlSeconds updatedAt\n          ipRules { id action cidr description }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.OrgGroupsDocument,
    "\n  query OrgGroupScopeChoices {\n    scopes(first: 100) { edges { node { name } } }\n    managementScopes { name }\n  }\n": typeof types.OrgGroupScopeChoicesDocument,
    "\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ConsoleKeysDocument,
    "\n  query OrgScopes($after: String) {\n    scopes(first: 100, after: $after) {\n      edges { node { id name description createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n    managementScopes { name description }\n  }\n": typeof types.OrgScopesDocument,
    "\n  query OrgTenantSettings {\n    tenant {\n      id name slug status apiEnabled keyPrefix maxKeyLifetimeSeconds defaultTokenTtlSeconds maxTokenTtlSeconds\n      allowQueryParamKey leakedKeyPolicy auditRetentionDays updatedAt\n      ipRules { id action cidr description createdAt }\n    }\n  }\n": typeof types.OrgTenantSettingsDocument,
    "\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n": typeof types.ConsoleSessionDocument,
};
const documents: Documents = {
    "\n  query OrgGroups($after: String, $filter: GroupFilter) {\n    groups(first: 50, after: $after, filter: $filter) {\n      edges {\n        node {\n          id name description keyCount defaultScopes limitsScopes scopeLimit defaultExpirySeconds tokenTtlSeconds updatedAt\n          ipRules { id action cidr description }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.OrgGroupsDocument,
    "\n  query OrgGroupScopeChoices {\n    scopes(first: 100) { edges { node { name } } }\n    managementScopes { name }\n  }\n": types.OrgGroupScopeChoicesDocument,
    "\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ConsoleKeysDocument,
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
export function graphql(source: "\n  query OrgGroups($after: String, $filter: GroupFilter) {\n    groups(first: 50, after: $after, filter: $filter) {\n      edges {\n        node {\n          id name description keyCount defaultScopes limitsScopes scopeLimit defaultExpirySeconds tokenTtlSeconds updatedAt\n          ipRules { id action cidr description }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query OrgGroups($after: String, $filter: GroupFilter) {\n    groups(first: 50, after: $after, filter: $filter) {\n      edges {\n        node {\n          id name description keyCount defaultScopes limitsScopes scopeLimit defaultExpirySeconds tokenTtlSeconds updatedAt\n          ipRules { id action cidr description }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrgGroupScopeChoices {\n    scopes(first: 100) { edges { node { name } } }\n    managementScopes { name }\n  }\n"): (typeof documents)["\n  query OrgGroupScopeChoices {\n    scopes(first: 100) { edges { node { name } } }\n    managementScopes { name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
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