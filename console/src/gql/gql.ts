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
    "\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ConsoleKeysDocument,
    "\n  query ConsoleMembers($first: Int!, $after: String, $search: String) {\n    members(first: $first, after: $after, filter: { search: $search }) {\n      edges { node { id name email status hasPassword apiKeyCount createdAt role { id name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    roles(first: 100) { edges { node { id name builtIn } } }\n  }\n": typeof types.ConsoleMembersDocument,
    "\n  query ConsoleRoles {\n    roles(first: 100) { edges { node { id name description builtIn scopes memberCount } } }\n    managementScopes { name description }\n    scopes(first: 100) { edges { node { id name description } } }\n  }\n": typeof types.ConsoleRolesDocument,
    "\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n": typeof types.ConsoleSessionDocument,
};
const documents: Documents = {
    "\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ConsoleKeysDocument,
    "\n  query ConsoleMembers($first: Int!, $after: String, $search: String) {\n    members(first: $first, after: $after, filter: { search: $search }) {\n      edges { node { id name email status hasPassword apiKeyCount createdAt role { id name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n    roles(first: 100) { edges { node { id name builtIn } } }\n  }\n": types.ConsoleMembersDocument,
    "\n  query ConsoleRoles {\n    roles(first: 100) { edges { node { id name description builtIn scopes memberCount } } }\n    managementScopes { name description }\n    scopes(first: 100) { edges { node { id name description } } }\n  }\n": types.ConsoleRolesDocument,
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
export function graphql(source: "\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleKeys($first: Int!, $after: String, $filter: ApiKeyFilter) {\n    apiKeys(first: $first, after: $after, filter: $filter) {\n      edges { node { id name publicId status expiresAt lastUsedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
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
export function graphql(source: "\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n"): (typeof documents)["\n  query ConsoleSession {\n    me { id name email role { id name } }\n    viewer { kind scopes tenantId }\n    tenant { id name slug }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;