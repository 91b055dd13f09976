// What every protocol shares: the options, the credential, per-attempt timeouts, the retry loop,
// one plain HTTP request, and the conversion of every failure into the SDK's error classes.

import type { ResolvedCredential } from '../credentials.ts';
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
  type GraphQLErrorInfo,
} from '../errors.ts';
import { backoffDelay, parseRetryAfter, retryAfterDelay, retryOptions, sleep, surelyNotSent, type RetryOptions } from '../retry.ts';
import { userAgent } from '../version.ts';

/** Sent with every request unless the caller's own `headers` name one (in any letter case). */
const USER_AGENT = userAgent();

function withUserAgent(headers: Record<string, string>): Record<string, string> {
  return Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent') ? headers : { 'user-agent': USER_AGENT, ...headers };
}

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
  /**
   * Mutations: the Idempotency-Key sent with every attempt (default: a new random UUID per call).
   * Give your own to make a retry of your own, within 24 hours, safe too.
   */
  idempotencyKey?: string;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';

export type Kind = 'query' | 'mutation';

export interface SubscribeOptions extends CallOptions {
  /** Called once the server has accepted the subscription (its response headers arrived). */
  onOpen?: () => void;
  /** Give up on a connection that sends nothing (not even a heartbeat) for this long. Default 90 s. */
  idleTimeoutMs?: number;
}

export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: KeywardenError; retryable: boolean; retryAfterMs?: number };

export interface Attempt {
  signal: AbortSignal;
  headers: Record<string, string>;
  timedOut(): boolean;
  aborted(): boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;

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

export function plainErrors(errors: readonly { message: string; path?: readonly (string | number)[] | undefined; extensions?: unknown }[]): GraphQLErrorInfo[] {
  return errors.map((e) => ({
    message: e.message,
    ...(e.path ? { path: [...e.path] } : {}),
    ...(e.extensions ? { extensions: { ...(e.extensions as Record<string, unknown>) } } : {}),
  }));
}

export class Connection {
  readonly baseUrl: string;
  readonly graphqlUrl: string;
  readonly fetchImpl: FetchLike;
  readonly retry: RetryOptions;

  constructor(
    protected readonly options: TransportOptions,
    private readonly credential: ResolvedCredential,
  ) {
    ({ baseUrl: this.baseUrl, graphqlUrl: this.graphqlUrl } = endpoints(options.url));
    const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (!fetchImpl) throw new TypeError('No fetch implementation: pass `fetch` to createClient (Node 18+ has one built in)');
    // Called as a plain function: browsers' fetch refuses any other `this`.
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.retry = retryOptions(options.retry);
  }

  /** The client's and the call's signals together (undefined when neither was given). */
  outerSignal(call: CallOptions = {}): AbortSignal | undefined {
    const signals = [this.options.signal, call.signal].filter((s): s is AbortSignal => s !== undefined);
    return signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  }

  // --- the retry loop ---------------------------------------------------------------------------

  /** Runs `once` with credentials, a timeout and retries; returns its value or throws a KeywardenError. */
  async run<T>(operation: string, kind: Kind, call: CallOptions, once: (attempt: Attempt) => Promise<Outcome<T>>): Promise<T> {
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
        const headers = withUserAgent({ ...this.options.headers, ...call.headers, ...(await this.credentialHeaders(signal, operation)) });
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
  transportFailure(cause: unknown, kind: Kind, operation: string, attempt: Attempt): Outcome<never> {
    // A mutation with an Idempotency-Key is as safe to repeat as a query: the server replays it.
    const repeatable = kind === 'query' || attempt.headers[IDEMPOTENCY_HEADER] !== undefined;
    if (attempt.aborted()) return { ok: false, error: new AbortedError({ message: `${operation} was aborted`, operation, cause }), retryable: false };
    if (attempt.timedOut()) {
      // It may have reached the server: repeat only what is safe to repeat.
      return { ok: false, error: new TimeoutError({ message: `${operation}: no answer in time`, operation, cause }), retryable: repeatable };
    }
    const message = `${operation}: ${(cause as Error)?.message ?? 'network failure'}${(cause as any)?.cause?.code ? ` (${(cause as any).cause.code})` : ''}`;
    return { ok: false, error: new NetworkError({ message, operation, cause }), retryable: repeatable || surelyNotSent(cause) };
  }

  /** Classifies an HTTP answer that carried no usable GraphQL/JSON body. */
  statusFailure(response: Response, operation: string, body?: string): Outcome<never> {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const retryAfter = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
    const text = body?.trim().slice(0, 200);
    const message = `${operation}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${text ? `: ${text}` : ''}`;
    const requestId = response.headers.get('x-request-id') ?? undefined;
    const error = errorForStatus(response.status, { message, status: response.status, requestId, operation, retryAfter });
    const retryable = response.status === 429 || response.status === 503;
    return { ok: false, error, retryable, ...(retryable && retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }

  // --- plain HTTP -------------------------------------------------------------------------------

  /** One request; a non-2xx answer is classified (its body read), a 2xx one returned unread. */
  async httpAttempt(
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
      const error = errorFromGraphQLErrors(plainErrors(json.errors), {
        status: response.status,
        operation,
        retryAfterHeader: retryAfterSeconds,
        requestId: response.headers.get('x-request-id') ?? undefined,
      });
      const wait = error instanceof RateLimitedError ? error.retryAfter * 1000 : retryAfterMs;
      return { ok: false, error, retryable: retryable || error.code === 'RATE_LIMITED', ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    }
    const failure = json?.error;
    if (failure && typeof failure.code === 'string') {
      const wait = retryAfterMs ?? (typeof failure.retryAfter === 'number' ? failure.retryAfter * 1000 : undefined);
      const details = {
        message: String(failure.message ?? `HTTP ${response.status}`),
        status: response.status,
        requestId: typeof failure.requestId === 'string' ? failure.requestId : (response.headers.get('x-request-id') ?? undefined),
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
}
