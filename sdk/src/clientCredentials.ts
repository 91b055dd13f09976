// OAuth 2.0 client credentials as a CredentialProvider: the client trades an API key for
// short-lived access tokens (POST /oauth/token) and sends those instead of the key.

import { assertWellFormedKey, type CredentialProvider } from './credentials.ts';
import { AuthenticationError, BadRequestError, ForbiddenError, NetworkError, RateLimitedError, ServerError, type KeywardenError } from './errors.ts';
import { parseKey, type ParsedKey } from './keyFormat.ts';
import type { FetchLike } from './transport.ts';

export interface ClientCredentialsOptions {
  /** The server's base URL, as given to createClient. */
  url: string;
  /** The API key that is the OAuth client; checked offline before anything is sent. */
  key: string;
  /** Ask for these scopes only (default: every scope of the key). */
  scopes?: string[];
  /** Fetch a new token this many seconds before the current one expires (default 60). */
  refreshBeforeSeconds?: number;
  /** Give up on the token endpoint after this long (default 10 000 ms). */
  timeoutMs?: number;
  fetch?: FetchLike;
}

export interface ClientCredentialsProvider extends CredentialProvider {
  /** `Bearer <access token>`, fetching a token first when there is none fresh enough. */
  getAuthorizationHeader(context?: { signal: AbortSignal }): Promise<string>;
  /** Revokes the current token at the server (POST /oauth/revoke) and forgets it. */
  revoke(): Promise<void>;
  /**
   * RFC 7662 (POST /oauth/introspect), for a resource server whose key holds `keys:verify`: what
   * the server says of an access token presented to it. Anything but an active access token of
   * the key's tenant is `{ active: false }`.
   */
  introspect(token: string): Promise<TokenIntrospection>;
}

/** POST /oauth/introspect's answer (times in seconds since the epoch). */
export type TokenIntrospection =
  | { active: false }
  | {
    active: true;
    /** The token's scopes, space-separated. */
    scope: string;
    /** The public id of the key the token was issued to. */
    client_id: string;
    token_type: 'Bearer';
    exp: number;
    iat: number;
    /** The id of the key the token was issued to. */
    sub: string;
    iss: string;
    /** The token's id. */
    jti: string;
  };

interface TokenAnswer {
  access_token: string;
  expires_in: number;
}

/**
 * A token is fetched when first needed, shared by concurrent requests, reused until
 * `refreshBeforeSeconds` before it expires, and fetched again when the server refuses it
 * (the client calls `invalidate` on UNAUTHENTICATED).
 *
 * ```ts
 * const kw = createClient({ url, credential: clientCredentials({ url, key: process.env.KEYWARDEN_KEY! }) });
 * ```
 */
export function clientCredentials(options: ClientCredentialsOptions): ClientCredentialsProvider {
  assertWellFormedKey(options.key);
  const { publicId, secret } = parseKey(options.key) as ParsedKey;
  // RFC 6749 §2.3.1: each half form-encoded, then Basic.
  const authorization = `Basic ${btoa(`${encodeURIComponent(publicId)}:${encodeURIComponent(secret)}`)}`;
  const base = options.url.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  const refreshBeforeMs = (options.refreshBeforeSeconds ?? 60) * 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;

  let current: { token: string; refreshAt: number } | null = null;
  let pending: Promise<string> | null = null;

  async function post<T>(path: string, params: Record<string, string>): Promise<T> {
    const operation = `POST ${path}`;
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new NetworkError({ message: `${operation}: ${(cause as Error)?.message ?? 'network failure'}`, operation, cause });
    }
    const text = await response.text();
    let body: any = null;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      // left null: reported below
    }
    if (response.ok && body !== null) return body as T;
    throw tokenEndpointError(response, body, operation);
  }

  async function fetchToken(): Promise<string> {
    const params: Record<string, string> = { grant_type: 'client_credentials' };
    if (options.scopes?.length) params.scope = options.scopes.join(' ');
    const requestedAt = Date.now();
    const answer = await post<TokenAnswer>('/oauth/token', params);
    if (typeof answer.access_token !== 'string' || typeof answer.expires_in !== 'number') {
      throw new ServerError({ message: 'POST /oauth/token: the answer has no access_token or expires_in', operation: 'POST /oauth/token' });
    }
    // Counted from before the request: the token can only be older than the answer says.
    current = { token: answer.access_token, refreshAt: requestedAt + Math.max(0, answer.expires_in * 1000 - refreshBeforeMs) };
    return answer.access_token;
  }

  return {
    async getAuthorizationHeader(): Promise<string> {
      if (current !== null && Date.now() < current.refreshAt) return `Bearer ${current.token}`;
      pending ??= fetchToken().finally(() => {
        pending = null;
      });
      return `Bearer ${await pending}`;
    },
    invalidate(): void {
      current = null;
    },
    async revoke(): Promise<void> {
      if (current === null) return;
      const { token } = current;
      current = null;
      await post('/oauth/revoke', { token });
    },
    async introspect(token: string): Promise<TokenIntrospection> {
      const answer = await post<TokenIntrospection>('/oauth/introspect', { token });
      if (typeof answer.active !== 'boolean') {
        throw new ServerError({ message: 'POST /oauth/introspect: the answer has no active member', operation: 'POST /oauth/introspect' });
      }
      return answer;
    },
  };
}

/** The token endpoint's RFC 6749 error as the SDK's typed error. */
function tokenEndpointError(response: Response, body: { error?: string; error_description?: string } | null, operation: string): KeywardenError {
  const message = `${operation}: ${body?.error_description ?? body?.error ?? `HTTP ${response.status}`}`;
  const status = response.status;
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  if (status === 401) return new AuthenticationError({ message, status, operation });
  if (status === 403) return new ForbiddenError({ message, status, operation });
  if (status === 429) return new RateLimitedError({ message, status, operation, retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined });
  if (status === 400) return new BadRequestError({ message, status, operation });
  return new ServerError({ message, status, operation, retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined }, status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR');
}
