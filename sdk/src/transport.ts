// The one boundary between the SDK and the network. GraphQL goes through urql (fetchExchange only,
// network-only: a management client wants no document cache); the REST verify endpoint through
// fetch. Both share credentials, timeouts, retries and the conversion of every failure into the
// SDK's error classes, so nothing urql-specific (CombinedError, OperationResult) reaches callers.

import { Client, createRequest, fetchExchange, stringifyDocument, type OperationResult } from '@urql/core';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { ResolvedCredential } from './credentials.ts';
import {
  AbortedError,
  AuthenticationError,
  KeywardenError,
  NetworkError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  errorForCode,
  errorForStatus,
  errorFromGraphQLErrors,
  errorFromUnionMember,
  isUnionError,
  type GraphQLErrorInfo,
  type UnionErrorMember,
} from './errors.ts';
import { backoffDelay, parseRetryAfter, retryAfterDelay, retryOptions, sleep, surelyNotSent, type RetryOptions } from './retry.ts';
import { readServerSentEvents } from './sse.ts';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** The server's base URL, e.g. `http://localhost:4000` (a URL ending in `/graphql` works too). */
  url: string;
  /** A fetch implementation (default: the global one). */
  fetch?: FetchLike;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
  /** Aborts every request of this client (e.g. on shutdown). */
  signal?: AbortSignal;
  /** Retry policy, or false for none. */
  retry?: Partial<RetryOptions> | false;
}

/** Options every SDK method accepts as its last argument. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call (per attempt). */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

type Kind = 'query' | 'mutation';

export interface SubscribeOptions extends CallOptions {
  /** Called once the server has accepted the subscription (its response headers arrived). */
  onOpen?: () => void;
  /** Give up on a connection that sends nothing (not even a heartbeat) for this long. Default 90 s. */
  idleTimeoutMs?: number;
}

type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: KeywardenError; retryable: boolean; retryAfterMs?: number };

interface Attempt {
  signal: AbortSignal;
  headers: Record<string, string>;
  timedOut(): boolean;
  aborted(): boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_IDLE_TIMEOUT_MS = 90_000;

export function endpoints(url: string): { baseUrl: string; graphqlUrl: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Invalid Keywarden URL: ${JSON.stringify(url)}`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  const basePath = path.endsWith('/graphql') ? path.slice(0, -'/graphql'.length) : path;
  const baseUrl = `${parsed.origin}${basePath}`;
  return { baseUrl, graphqlUrl: `${baseUrl}/graphql` };
}

function operationOf(document: DocumentNode): { kind: Kind | 'subscription'; name: string } {
  const definition = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  if (!definition) throw new TypeError('The document has no operation');
  return { kind: definition.operation, name: definition.name?.value ?? definition.operation };
}

function plainErrors(errors: readonly { message: string; path?: readonly (string | number)[] | undefined; extensions?: unknown }[]): GraphQLErrorInfo[] {
  return errors.map((e) => ({
    message: e.message,
    ...(e.path ? { path: [...e.path] } : {}),
    ...(e.extensions ? { extensions: { ...(e.extensions as Record<string, unknown>) } } : {}),
  }));
}

let operationKey = 0;

export class Transport {
  readonly baseUrl: string;
  readonly graphqlUrl: string;
  private readonly urql: Client;
  private readonly fetchImpl: FetchLike;
  readonly retry: RetryOptions;

  constructor(
    private readonly options: TransportOptions,
    private readonly credential: ResolvedCredential,
  ) {
    ({ baseUrl: this.baseUrl, graphqlUrl: this.graphqlUrl } = endpoints(options.url));
    const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (!fetchImpl) throw new TypeError('No fetch implementation: pass `fetch` to createClient (Node 18+ has one built in)');
    // Called as a plain function: browsers' fetch refuses any other `this`.
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.retry = retryOptions(options.retry);
    this.urql = new Client({
      url: this.graphqlUrl,
      exchanges: [fetchExchange],
      requestPolicy: 'network-only',
      preferGetMethod: false,
    });
  }

  /** The same settings with another credential (e.g. after login). */
  withCredential(credential: ResolvedCredential): Transport {
    return new Transport(this.options, credential);
  }

  /** Runs a typed GraphQL document. Throws a KeywardenError subclass on any failure. */
  async request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    call: CallOptions = {},
  ): Promise<TData> {
    const { kind, name } = operationOf(document);
    if (kind === 'subscription') throw new TypeError('Use subscribe() for subscriptions');
    return this.run(name, kind, call, (attempt) => this.graphqlAttempt<TData>(document, variables, kind, name, attempt));
  }

  /** POSTs JSON to a REST path of the server (e.g. `/v1/verify`) with the same guarantees. */
  async postJson<T>(path: string, body: unknown, kind: Kind, call: CallOptions = {}): Promise<T> {
    const operation = `POST ${path}`;
    return this.run(operation, kind, call, (attempt) => this.restAttempt<T>(path, body, kind, operation, attempt));
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
    yield* this.readStream(name, options, (stream) => (attempt) =>
      this.httpAttempt('POST', this.graphqlUrl, body, 'text/event-stream', 'query', name, attempt, stream),
    async function* (response, onActivity) {
      const type = response.headers.get('content-type') ?? '';
      if (!type.includes('text/event-stream')) {
        // A single JSON result: the subscription was refused before it started.
        const result = JSON.parse(await response.text());
        if (result?.errors?.length) throw errorFromGraphQLErrors(plainErrors(result.errors), { status: response.status, operation: name });
        throw new ServerError({ message: `${name}: expected an event stream, got ${type || 'no content type'}`, status: response.status, operation: name });
      }
      for await (const message of readServerSentEvents(response.body!, onActivity)) {
        if (message.event === 'complete') return;
        if (message.event !== 'next' && message.event !== 'message') continue;
        const result = JSON.parse(message.data);
        if (result?.errors?.length) throw errorFromGraphQLErrors(plainErrors(result.errors), { status: response.status, operation: name });
        if (result?.data != null) yield result.data as TData;
      }
      throw new NetworkError({ message: `${name}: the event stream ended without completing`, operation: name });
    });
  }

  /** GET a newline-delimited JSON export (e.g. `/v1/audit/export`), one parsed line at a time. */
  async *getLines<T>(path: string, query: Record<string, string | null | undefined>, options: SubscribeOptions = {}): AsyncGenerator<T, void, undefined> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) if (value != null) url.searchParams.set(name, value);
    const operation = `GET ${path}`;
    yield* this.readStream(operation, options, (stream) => (attempt) =>
      this.httpAttempt('GET', url.toString(), undefined, 'application/x-ndjson, application/json', 'query', operation, attempt, stream),
    async function* (response, onActivity) {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          onActivity();
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n')) !== -1) {
            const line = buffer.slice(0, end).trim();
            buffer = buffer.slice(end + 1);
            if (line) yield JSON.parse(line) as T;
          }
        }
        const last = (buffer + decoder.decode()).trim();
        if (last) yield JSON.parse(last) as T;
      } finally {
        await reader.cancel().catch(() => {});
      }
    });
  }

  /** The client's and the call's signals together (undefined when neither was given). */
  outerSignal(call: CallOptions = {}): AbortSignal | undefined {
    const signals = [this.options.signal, call.signal].filter((s): s is AbortSignal => s !== undefined);
    return signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  }

  /** Opens a streaming response (with retries) and reads it with an idle timeout; failures become SDK errors. */
  private async *readStream<T>(
    operation: string,
    options: SubscribeOptions,
    open: (stream: AbortSignal) => (attempt: Attempt) => Promise<Outcome<Response>>,
    read: (response: Response, onActivity: () => void) => AsyncGenerator<T, void, undefined>,
  ): AsyncGenerator<T, void, undefined> {
    const stream = new AbortController();
    const outer = this.outerSignal(options);
    const response = await this.run(operation, 'query', options, open(stream.signal));
    options.onOpen?.();
    const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    let idle = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onActivity = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        stream.abort(new Error(`no data for ${idleMs} ms`));
      }, idleMs);
    };
    onActivity();
    try {
      yield* read(response, onActivity);
    } catch (error) {
      if (error instanceof KeywardenError) throw error;
      if (outer?.aborted) throw new AbortedError({ message: `${operation} was aborted`, operation, cause: outer.reason });
      if (idle) throw new TimeoutError({ message: `${operation}: the stream went silent for ${idleMs} ms`, operation, cause: error });
      if (error instanceof SyntaxError) throw new ServerError({ message: `${operation}: unreadable data in the stream`, operation, cause: error });
      throw new NetworkError({ message: `${operation}: the stream broke: ${(error as Error)?.message ?? error}`, operation, cause: error });
    } finally {
      clearTimeout(timer);
      // Ends the connection when the consumer stops early (break) or the stream failed.
      stream.abort();
    }
  }

  // --- the retry loop ---------------------------------------------------------------------------

  private async run<T>(operation: string, kind: Kind, call: CallOptions, once: (attempt: Attempt) => Promise<Outcome<T>>): Promise<T> {
    const outer = this.outerSignal(call);
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let refreshedCredential = false;

    for (let attempt = 1; ; attempt++) {
      if (outer?.aborted) throw new AbortedError({ message: `${operation} was aborted`, operation, cause: outer.reason });
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      const signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
      let outcome: Outcome<T>;
      try {
        const headers = { ...this.options.headers, ...call.headers, ...(await this.credentialHeaders(signal, operation)) };
        outcome = await once({ signal, headers, timedOut: () => timeout.signal.aborted, aborted: () => outer?.aborted === true });
      } catch (error) {
        if (!(error instanceof KeywardenError)) throw error;
        outcome = { ok: false, error, retryable: false };
      } finally {
        clearTimeout(timer);
      }
      if (outcome.ok) return outcome.value;

      const { error } = outcome;
      // A provider's cached token may have expired early: drop it and try once more.
      if (error instanceof AuthenticationError && this.credential.refreshable && !refreshedCredential) {
        refreshedCredential = true;
        this.credential.invalidate?.();
        attempt--;
        continue;
      }
      if (!outcome.retryable || attempt >= this.retry.maxAttempts) throw error;
      let delayMs: number;
      if (outcome.retryAfterMs !== undefined) {
        if (outcome.retryAfterMs > this.retry.maxRetryAfterMs) throw error;
        delayMs = retryAfterDelay(outcome.retryAfterMs, this.retry);
      } else {
        delayMs = backoffDelay(attempt, this.retry);
      }
      this.retry.onRetry?.({ attempt, delayMs, error, operation });
      try {
        await sleep(delayMs, outer);
      } catch (reason) {
        throw new AbortedError({ message: `${operation} was aborted`, operation, cause: reason });
      }
    }
  }

  private async credentialHeaders(signal: AbortSignal, operation: string): Promise<Record<string, string>> {
    try {
      return await this.credential.headers(signal);
    } catch (error) {
      if (error instanceof KeywardenError) throw error;
      throw new AuthenticationError({ message: `The credential provider failed: ${(error as Error)?.message ?? error}`, operation, cause: error });
    }
  }

  /** Classifies a failure without an HTTP answer. */
  private transportFailure(cause: unknown, kind: Kind, operation: string, attempt: Attempt): Outcome<never> {
    if (attempt.aborted()) return { ok: false, error: new AbortedError({ message: `${operation} was aborted`, operation, cause }), retryable: false };
    if (attempt.timedOut()) {
      // It may have reached the server: repeat only what is safe to repeat.
      return { ok: false, error: new TimeoutError({ message: `${operation}: no answer in time`, operation, cause }), retryable: kind === 'query' };
    }
    const message = `${operation}: ${(cause as Error)?.message ?? 'network failure'}${(cause as any)?.cause?.code ? ` (${(cause as any).cause.code})` : ''}`;
    return { ok: false, error: new NetworkError({ message, operation, cause }), retryable: kind === 'query' || surelyNotSent(cause) };
  }

  /** Classifies an HTTP answer that carried no usable GraphQL/JSON body. */
  private statusFailure(response: Response, operation: string, body?: string): Outcome<never> {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const retryAfter = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
    const text = body?.trim().slice(0, 200);
    const message = `${operation}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${text ? `: ${text}` : ''}`;
    const error = errorForStatus(response.status, { message, status: response.status, operation, retryAfter });
    const retryable = response.status === 429 || response.status === 503;
    return { ok: false, error, retryable, ...(retryable && retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }

  // --- GraphQL ----------------------------------------------------------------------------------

  private async graphqlAttempt<TData>(document: DocumentNode, variables: Record<string, unknown>, kind: Kind, operation: string, attempt: Attempt): Promise<Outcome<TData>> {
    const fetchImpl = this.fetchImpl;
    // urql aborts its own signal on teardown; ours adds the timeout and the caller's signal.
    const fetchForAttempt: FetchLike = (input, init) =>
      fetchImpl(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, attempt.signal]) : attempt.signal });
    // A unique key per call: urql shares in-flight queries with equal keys, but each call here has
    // its own credential, signal and retry state.
    const request = { ...createRequest(document, variables), key: ++operationKey };
    const op = this.urql.createRequestOperation(kind, request, {
      fetch: fetchForAttempt as typeof fetch,
      fetchOptions: { headers: attempt.headers },
      requestPolicy: 'network-only',
    });
    const result: OperationResult = await this.urql.executeRequestOperation(op).toPromise();
    return this.classifyGraphQL<TData>(result, kind, operation, attempt);
  }

  private classifyGraphQL<TData>(result: OperationResult, kind: Kind, operation: string, attempt: Attempt): Outcome<TData> {
    const combined = result.error;
    if (!combined) {
      if (result.data == null) {
        return { ok: false, error: new ServerError({ message: `${operation}: the server answered without data`, operation }), retryable: false };
      }
      return { ok: true, value: result.data as TData };
    }
    const response = combined.response as Response | undefined;
    const status = response?.status;
    if (combined.graphQLErrors.length > 0) {
      const retryAfterHeaderMs = parseRetryAfter(response?.headers?.get('retry-after'));
      const error = errorFromGraphQLErrors(plainErrors(combined.graphQLErrors), {
        status,
        operation,
        retryAfterHeader: retryAfterHeaderMs === undefined ? undefined : Math.ceil(retryAfterHeaderMs / 1000),
      });
      // RATE_LIMITED (429) and 503 come before the server does anything: safe to repeat.
      const retryable = error.code === 'RATE_LIMITED' || status === 429 || status === 503;
      const retryAfterMs = error instanceof RateLimitedError ? error.retryAfter * 1000 : error instanceof ServerError && error.retryAfter !== undefined ? error.retryAfter * 1000 : retryAfterHeaderMs;
      return { ok: false, error, retryable, ...(retryable && retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    const cause = combined.networkError ?? combined;
    if (response && (response.status < 200 || response.status >= 300) && !attempt.aborted() && !attempt.timedOut()) {
      return this.statusFailure(response, operation);
    }
    if (response && !attempt.aborted() && !attempt.timedOut()) {
      // A 2xx whose body was not a GraphQL result (a proxy page, a truncated body).
      return {
        ok: false,
        error: new ServerError({ message: `${operation}: the answer could not be read as a GraphQL result`, status: response.status, operation, cause }),
        retryable: false,
      };
    }
    return this.transportFailure(cause, kind, operation, attempt);
  }

  // --- plain HTTP (REST routes, streams) ---------------------------------------------------------

  /** One request; a non-2xx answer is classified (its body read), a 2xx one returned unread. */
  private async httpAttempt(
    method: 'GET' | 'POST',
    url: string,
    body: string | undefined,
    accept: string,
    kind: Kind,
    operation: string,
    attempt: Attempt,
    extraSignal?: AbortSignal,
  ): Promise<Outcome<Response>> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: { accept, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...attempt.headers },
        body,
        signal: extraSignal ? AbortSignal.any([attempt.signal, extraSignal]) : attempt.signal,
      });
    } catch (error) {
      return this.transportFailure(error, kind, operation, attempt);
    }
    if (response.ok) return { ok: true, value: response };
    let text = '';
    try {
      text = await response.text();
    } catch {
      // the status alone decides
    }
    return this.httpFailure(response, text, operation);
  }

  /** A non-2xx answer: GraphQL errors, a REST `{ error: { code } }`, or only a status. */
  private httpFailure(response: Response, text: string, operation: string): Outcome<never> {
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const retryAfterSeconds = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
    const retryable = response.status === 429 || response.status === 503;
    if (Array.isArray(json?.errors) && json.errors.length > 0) {
      const error = errorFromGraphQLErrors(plainErrors(json.errors), { status: response.status, operation, retryAfterHeader: retryAfterSeconds });
      const wait = error instanceof RateLimitedError ? error.retryAfter * 1000 : retryAfterMs;
      return { ok: false, error, retryable: retryable || error.code === 'RATE_LIMITED', ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    }
    const failure = json?.error;
    if (failure && typeof failure.code === 'string') {
      const wait = retryAfterMs ?? (typeof failure.retryAfter === 'number' ? failure.retryAfter * 1000 : undefined);
      const details = {
        message: String(failure.message ?? `HTTP ${response.status}`),
        status: response.status,
        requestId: typeof failure.requestId === 'string' ? failure.requestId : undefined,
        operation,
      };
      const seconds = wait === undefined ? undefined : Math.ceil(wait / 1000);
      const error =
        response.status === 503
          ? new ServerError({ ...details, retryAfter: seconds }, 'SERVICE_UNAVAILABLE')
          : errorForCode(failure.code, { ...failure, retryAfter: failure.retryAfter ?? seconds }, details);
      return { ok: false, error, retryable, ...(retryable && wait !== undefined ? { retryAfterMs: wait } : {}) };
    }
    return this.statusFailure(response, operation, text);
  }

  private async restAttempt<T>(path: string, body: unknown, kind: Kind, operation: string, attempt: Attempt): Promise<Outcome<T>> {
    const opened = await this.httpAttempt('POST', `${this.baseUrl}${path}`, JSON.stringify(body), 'application/json', kind, operation, attempt);
    if (!opened.ok) return opened;
    let text: string;
    try {
      text = await opened.value.text();
    } catch (error) {
      return this.transportFailure(error, kind, operation, attempt);
    }
    try {
      return { ok: true, value: JSON.parse(text) as T };
    } catch {
      return { ok: false, error: new ServerError({ message: `${operation}: the answer was not JSON`, status: opened.value.status, operation }), retryable: false };
    }
  }
}

/**
 * A mutation's result union: the payload when its `__typename` is `typename`, otherwise the error
 * member converted to its class and thrown. The payload comes back without `__typename`.
 */
export function expectPayload<R extends { __typename: string }, N extends R['__typename']>(
  result: R,
  typename: N,
  operation?: string,
): Omit<Extract<R, { __typename: N }>, '__typename'> {
  if (result.__typename === typename) {
    const { __typename: _, ...payload } = result as Extract<R, { __typename: N }>;
    return payload;
  }
  if (isUnionError(result)) throw errorFromUnionMember(result as unknown as UnionErrorMember, operation);
  throw new ServerError({ message: `${operation ?? 'The operation'} answered an unexpected ${result.__typename}`, operation });
}
