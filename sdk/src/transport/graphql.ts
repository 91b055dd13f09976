// GraphQL: queries and mutations through urql (fetchExchange only, network-only: a management
// client wants no document cache), subscriptions over server-sent events. Nothing urql-specific
// (CombinedError, OperationResult) reaches callers: results become data or SDK errors.

import { Client, createRequest, fetchExchange, stringifyDocument, type OperationResult } from '@urql/core';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import {
  NetworkError,
  RateLimitedError,
  ServerError,
  errorFromGraphQLErrors,
  errorFromUnionMember,
  isUnionError,
  type UnionErrorMember,
} from '../errors.ts';
import { meta, responseMeta, withMeta, type ResultMeta } from '../meta.ts';
import { parseRetryAfter } from '../retry.ts';
import { datesExchange, reviveDates } from './dates.ts';
import { IDEMPOTENCY_HEADER } from './connection.ts';
import { plainErrors, type Attempt, type CallOptions, type Connection, type FetchLike, type Kind, type Outcome, type SubscribeOptions } from './connection.ts';
import { readServerSentEvents, readStream } from './streams.ts';

/**
 * A document's operation: its kind, its name (errors carry it), the names of the variables it
 * declares and the response key of its first root field (each SDK operation selects one).
 */
export function operationOf(document: DocumentNode): { kind: Kind | 'subscription'; name: string; variables: string[]; field: string } {
  const definition = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  if (!definition) throw new TypeError('The document has no operation');
  const variables = (definition.variableDefinitions ?? []).map((v) => v.variable.name.value);
  const root = definition.selectionSet.selections[0];
  const field = root?.kind === 'Field' ? (root.alias ?? root.name).value : '';
  return { kind: definition.operation, name: definition.name?.value ?? definition.operation, variables, field };
}

/** The value of the one root field a document selects, read from its result. */
export function rootField<TData>(document: TypedDocumentNode<TData, never>, data: TData): TData[keyof TData] {
  return data[operationOf(document).field as keyof TData];
}

let operationKey = 0;

export class GraphQLChannel {
  private readonly urql: Client;

  constructor(private readonly connection: Connection) {
    this.urql = new Client({
      url: connection.graphqlUrl,
      exchanges: [datesExchange, fetchExchange],
      requestPolicy: 'network-only',
      preferGetMethod: false,
    });
  }

  /** Runs a typed GraphQL document. Throws a KeywardenError subclass on any failure. */
  async request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    call: CallOptions = {},
  ): Promise<TData> {
    const { kind, name } = operationOf(document);
    if (kind === 'subscription') throw new TypeError('Use subscribe() for subscriptions');
    // One Idempotency-Key for every attempt of a mutation: a repeat after a broken connection or a
    // timeout gets the first answer back from the server instead of running twice.
    if (kind === 'mutation') {
      const idempotencyKey = call.idempotencyKey ?? globalThis.crypto.randomUUID();
      call = { ...call, headers: { ...call.headers, [IDEMPOTENCY_HEADER]: idempotencyKey } };
    }
    return this.connection.run(name, kind, call, (attempt) => this.graphqlAttempt<TData>(document, variables, kind, name, attempt));
  }

  /**
   * One GraphQL-over-SSE connection for a subscription: yields each result's data until the server
   * completes the stream. Connecting is retried like a query; a broken stream throws NetworkError
   * (callers that can resume, like `audit.stream()`, reconnect).
   */
  async *subscribe<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    options: SubscribeOptions = {},
  ): AsyncGenerator<TData, void, undefined> {
    const { kind, name } = operationOf(document);
    if (kind !== 'subscription') throw new TypeError('subscribe() takes a subscription document');
    const body = JSON.stringify({ query: stringifyDocument(document), variables, operationName: name });
    yield* readStream(this.connection, name, options, (stream) => (attempt) =>
      this.connection.httpAttempt('POST', this.connection.graphqlUrl, body, 'text/event-stream', 'query', name, attempt, stream),
    async function* (response, onActivity) {
      const type = response.headers.get('content-type') ?? '';
      if (!type.includes('text/event-stream')) {
        // A single JSON result: the subscription was refused before it started.
        const result = JSON.parse(await response.text());
        if (result?.errors?.length) throw errorFromGraphQLErrors(plainErrors(result.errors), { ...responseMeta(response, name), operation: name });
        throw new ServerError({ message: `${name}: expected an event stream, got ${type || 'no content type'}`, status: response.status, operation: name });
      }
      for await (const message of readServerSentEvents(response.body!, onActivity)) {
        if (message.event === 'complete') return;
        if (message.event !== 'next' && message.event !== 'message') continue;
        const result = JSON.parse(message.data);
        if (result?.errors?.length) throw errorFromGraphQLErrors(plainErrors(result.errors), { ...responseMeta(response, name), operation: name });
        if (result?.data != null) yield withMeta(reviveDates(document, result.data as TData), responseMeta(response, name));
      }
      throw new NetworkError({ message: `${name}: the event stream ended without completing`, operation: name });
    });
  }

  private async graphqlAttempt<TData>(document: DocumentNode, variables: Record<string, unknown>, kind: Kind, operation: string, attempt: Attempt): Promise<Outcome<TData>> {
    const fetchImpl = this.connection.fetchImpl;
    // urql aborts its own signal on teardown; ours adds the timeout and the caller's signal.
    // The response is kept for its x-request-id and status (urql does not hand them out on success).
    let response: Response | undefined;
    const fetchForAttempt: FetchLike = async (input, init) =>
      (response = await fetchImpl(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, attempt.signal]) : attempt.signal }));
    // A unique key per call: urql shares in-flight queries with equal keys, but each call here has
    // its own credential, signal and retry state.
    const request = { ...createRequest(document, variables), key: ++operationKey };
    const op = this.urql.createRequestOperation(kind, request, {
      fetch: fetchForAttempt as typeof fetch,
      fetchOptions: { headers: attempt.headers },
      requestPolicy: 'network-only',
    });
    const result: OperationResult = await this.urql.executeRequestOperation(op).toPromise();
    return this.classifyGraphQL<TData>(result, kind, operation, attempt, responseMeta(response, operation));
  }

  private classifyGraphQL<TData>(result: OperationResult, kind: Kind, operation: string, attempt: Attempt, received: ResultMeta): Outcome<TData> {
    const combined = result.error;
    if (!combined) {
      if (result.data == null) {
        const { status, requestId } = received;
        return { ok: false, error: new ServerError({ message: `${operation}: the server answered without data`, operation, status, requestId }), retryable: false };
      }
      return { ok: true, value: withMeta(result.data as TData, received) };
    }
    const response = combined.response as Response | undefined;
    const status = response?.status;
    if (combined.graphQLErrors.length > 0) {
      const retryAfterHeaderMs = parseRetryAfter(response?.headers?.get('retry-after'));
      const error = errorFromGraphQLErrors(plainErrors(combined.graphQLErrors), {
        status,
        operation,
        requestId: response?.headers?.get('x-request-id') ?? received.requestId,
        retryAfterHeader: retryAfterHeaderMs === undefined ? undefined : Math.ceil(retryAfterHeaderMs / 1000),
      });
      // RATE_LIMITED (429) and 503 come before the server does anything: safe to repeat.
      const retryable = error.code === 'RATE_LIMITED' || status === 429 || status === 503;
      const retryAfterMs = error instanceof RateLimitedError ? error.retryAfter * 1000 : error instanceof ServerError && error.retryAfter !== undefined ? error.retryAfter * 1000 : retryAfterHeaderMs;
      return { ok: false, error, retryable, ...(retryable && retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    const cause = combined.networkError ?? combined;
    if (response && (response.status < 200 || response.status >= 300) && !attempt.aborted() && !attempt.timedOut()) {
      return this.connection.statusFailure(response, operation);
    }
    if (response && !attempt.aborted() && !attempt.timedOut()) {
      // A 2xx whose body was not a GraphQL result (a proxy page, a truncated body).
      return {
        ok: false,
        error: new ServerError({ message: `${operation}: the answer could not be read as a GraphQL result`, status: response.status, operation, cause }),
        retryable: false,
      };
    }
    return this.connection.transportFailure(cause, kind, operation, attempt);
  }
}

/** The `typename` member of a result union `R`, without its `__typename`. */
export type Payload<R, N> = Omit<Extract<R, { __typename: N }>, '__typename'>;

/**
 * A mutation's result union: the payload when its `__typename` is `typename`, otherwise the error
 * member converted to its class and thrown. The payload comes back without `__typename`.
 */
export function expectPayload<R extends { __typename: string }, N extends R['__typename']>(
  result: R,
  typename: N,
  operation?: string,
): Payload<R, N> {
  const received = meta(result);
  if (result.__typename === typename) {
    const { __typename: _, ...payload } = result as Extract<R, { __typename: N }>;
    return withMeta(payload, received);
  }
  if (isUnionError(result)) throw errorFromUnionMember(result as unknown as UnionErrorMember, operation, received);
  const { status, requestId } = received ?? {};
  throw new ServerError({ message: `${operation ?? 'The operation'} answered an unexpected ${result.__typename}`, operation, status, requestId });
}
