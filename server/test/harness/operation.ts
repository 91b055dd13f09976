// Typed GraphQL documents for the tests, as graphql-codegen's Yoga testing example uses them: a
// document carries the types of its result and variables, and `executeOperation` (on TestApp) runs
// it through the real Yoga app and returns a typed ExecutionResult.
import { parse, type DocumentNode, type ExecutionResult } from 'graphql';

/**
 * A document that knows its result type `R` and variables type `V`. The same shape as
 * `TypedDocumentNode` of @graphql-typed-document-node/core, so the documents graphql-codegen
 * generates (the SDK's, for one) fit here too.
 */
export interface TypedDocumentNode<R = Record<string, any>, V = Record<string, unknown>> extends DocumentNode {
  /** Never set: it only carries the types. */
  __apiType?: (variables: V) => R;
}

/** Parses a test's document text once and gives it its types (checked against the schema by the server when run). */
export function typedDocument<R, V = Record<string, never>>(source: string): TypedDocumentNode<R, V> {
  return parse(source) as TypedDocumentNode<R, V>;
}

export type ResultOf<D> = D extends TypedDocumentNode<infer R, any> ? R : never;
export type VariablesOf<D> = D extends TypedDocumentNode<any, infer V> ? V : never;

/** What executeOperation returns: the typed GraphQL result, and what came with it over HTTP. */
export type OperationResult<R> = ExecutionResult<R, { code?: string; [key: string]: unknown }> & {
  status: number;
  headers: Headers;
  /** The raw body, for assertions that a value never appears in a response. */
  body: string;
};
