// The one boundary between the SDK and the network, split by protocol: GraphQL (transport/graphql.ts),
// REST (transport/rest.ts) and streams (transport/streams.ts). All share one connection
// (transport/connection.ts): credentials, timeouts, retries and the conversion of every failure
// into the SDK's error classes.

import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { ResolvedCredential } from './credentials.ts';
import { Connection, type CallOptions, type Kind, type SubscribeOptions } from './transport/connection.ts';
import { expectPayload, GraphQLChannel, operationOf, rootField, type Payload } from './transport/graphql.ts';
import { postJson } from './transport/rest.ts';
import { getJsonLines, getServerSentEvents, type ServerSentEvent } from './transport/streams.ts';

export type { CallOptions, FetchLike, SubscribeOptions, TransportOptions } from './transport/connection.ts';
export { operationOf, rootField } from './transport/graphql.ts';

export class Transport extends Connection {
  private readonly graphql = new GraphQLChannel(this);

  /** The same settings with another credential (e.g. after login). */
  withCredential(credential: ResolvedCredential): Transport {
    return new Transport(this.options, credential);
  }

  /** Runs a typed GraphQL document. Throws a KeywardenError subclass on any failure. */
  request<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables, call?: CallOptions): Promise<TData> {
    return this.graphql.request(document, variables, call);
  }

  /**
   * Runs a mutation whose one root field answers a result union: the `typename` member without its
   * `__typename`; an error member (ValidationError, NotFoundError, …) is thrown as its class.
   */
  async mutate<TData extends Record<string, { __typename: string }>, TVariables extends Record<string, unknown>, N extends TData[keyof TData]['__typename']>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    typename: N,
    call?: CallOptions,
  ): Promise<Payload<TData[keyof TData], N>> {
    return expectPayload(rootField(document, await this.request(document, variables, call)), typename, operationOf(document).name);
  }

  /** A GraphQL subscription over server-sent events: each result's data until the server completes it. */
  subscribe<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables, options?: SubscribeOptions): AsyncGenerator<TData, void, undefined> {
    return this.graphql.subscribe(document, variables, options);
  }

  /** POSTs JSON to a REST path of the server (e.g. `/v1/verify`) with the same guarantees. */
  postJson<T>(path: string, body: unknown, kind: Kind, call?: CallOptions): Promise<T> {
    return postJson<T>(this, path, body, kind, call);
  }

  /** GET a newline-delimited JSON export (e.g. `/v1/audit/export`), one parsed line at a time. */
  getLines<T>(path: string, query: Record<string, string | null | undefined>, options?: SubscribeOptions): AsyncGenerator<T, void, undefined> {
    return getJsonLines<T>(this, path, query, options);
  }

  /** GET a server-sent event stream of a REST path (e.g. `/v1/invalidations`). */
  getEvents(path: string, options?: SubscribeOptions): AsyncGenerator<ServerSentEvent, void, undefined> {
    return getServerSentEvents(this, path, options);
  }
}
