// @keywarden/sdk/graphql — custom operations without the Keywarden repository: the schema this SDK
// was generated from (SDL and GraphQLSchema, for your own graphql-codegen run or tooling), the
// generated wire types (inputs, enums and the SDK's own operations), and `graphql()`, which turns a
// document into a TypedDocumentNode that `client.request()` runs with the client's credential,
// retries, error classes and DateTime-as-Date results.

import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse, type GraphQLSchema } from 'graphql';
import { graphql as generated } from './gql/index.ts';
import { schemaSDL } from './gql/schema.ts';
import { keywardenSchema } from './transport/dates.ts';

export type { TypedDocumentNode } from '@graphql-typed-document-node/core';
export type { DocumentType } from './gql/gql.ts';
export type * from './gql/graphql.ts';
export { schemaSDL };

/** The Keywarden schema as a GraphQLSchema (built once, on first call). */
export function schema(): GraphQLSchema {
  return keywardenSchema();
}

const parsed = new Map<string, TypedDocumentNode<unknown, never>>();

/** Any document: typed by your type arguments (`graphql<Data, Variables>(source)`), e.g. from your own codegen. */
type Custom = <TData, TVariables extends Record<string, unknown> = Record<string, never>>(source: string) => TypedDocumentNode<TData, TVariables>;

/**
 * A document for `client.request()`. The SDK's own operations (the exact text in its sources) come
 * typed; any other document takes its result and variables types as type arguments, and without
 * them is `unknown` (which `client.request()` refuses to compile). Parsed once per text.
 */
export const graphql = ((source: string) => {
  const known = generated(source) as TypedDocumentNode<unknown, never> | Record<string, never>;
  if ('kind' in known) return known;
  let document = parsed.get(source);
  if (!document) parsed.set(source, (document = parse(source) as TypedDocumentNode<unknown, never>));
  return document;
}) as typeof generated & Custom;
