// How the client authenticates. Static credentials (an API key, a session or platform token) and
// anything that implements CredentialProvider — the slot where OAuth client credentials (a token
// fetched, cached and refreshed before expiry) plug in later without changing callers.

import { MalformedKeyError } from './errors.ts';
import { parseKey } from './keyFormat.ts';

/**
 * Supplies the Authorization header value for each request. Implement it to fetch and refresh
 * tokens (e.g. OAuth 2.0 client credentials); the client calls it before every attempt.
 */
export interface CredentialProvider {
  /** The full header value, e.g. `Bearer kwt_…`; null sends no credential. */
  getAuthorizationHeader(context: { signal: AbortSignal }): Promise<string | null>;
  /**
   * Called when the server answered UNAUTHENTICATED: drop any cached token. The client then tries
   * the request once more with a fresh header.
   */
  invalidate?(): void;
}

export type Credential =
  /** An API key (`<prefix>_pk_…`), checked offline before anything is sent. */
  | { type: 'apiKey'; key: string; /** Default `authorization` (Bearer). */ header?: 'authorization' | 'x-api-key' }
  /** An opaque bearer token: a session (`kws_…`), a platform credential (`kwp_…`), an access token. */
  | { type: 'bearer'; token: string }
  | { type: 'provider'; provider: CredentialProvider };

/** Every shorthand credential option; CredentialOptions allows at most one of them. */
export interface CredentialFields {
  /** An API key, e.g. from `keys.create()`. A malformed key is refused before anything is sent. */
  apiKey?: string;
  /** A member's session token (`kws_…`), e.g. from `sessions.login()`. */
  sessionToken?: string;
  /** A platform operator credential (`kwp_…`), printed by the server's first start. */
  platformToken?: string;
  /** Any of the above in long form, or a CredentialProvider. */
  credential?: Credential | CredentialProvider;
}

/** Exactly `K` of the fields of `T`, the others absent. */
type OnlyOne<T> = { [K in keyof T]: Pick<T, K> & { [O in Exclude<keyof T, K>]?: never } }[keyof T];

/**
 * The credential createClient and withCredentials take: one of `apiKey`, `sessionToken`,
 * `platformToken`, `credential`, or none (anonymous). Two do not compile.
 */
export type CredentialOptions = OnlyOne<CredentialFields> | { [K in keyof CredentialFields]?: never };

/** What the transport uses: the headers for one attempt, and the invalidation hook. */
export interface ResolvedCredential {
  headers(signal: AbortSignal): Promise<Record<string, string>>;
  invalidate?: () => void;
  /** Whether invalidate-and-retry makes sense (a provider that can fetch a new token). */
  refreshable: boolean;
}

const ANONYMOUS: ResolvedCredential = { headers: async () => ({}), refreshable: false };

function isProvider(value: unknown): value is CredentialProvider {
  return typeof value === 'object' && value !== null && typeof (value as CredentialProvider).getAuthorizationHeader === 'function';
}

function assertToken(token: string, what: string): void {
  if (typeof token !== 'string' || token.trim() === '' || /\s/.test(token)) {
    throw new TypeError(`${what} must be a non-empty string without spaces`);
  }
}

/** Throws MalformedKeyError when the key fails the offline check: a mistyped key is never sent. */
export function assertWellFormedKey(key: string): void {
  const parsed = parseKey(key);
  if (!parsed.ok) throw new MalformedKeyError(parsed.problem, `Refusing to send the API key: ${parsed.message}`);
}

export function resolveCredential(options: CredentialFields): ResolvedCredential {
  const given = (['apiKey', 'sessionToken', 'platformToken', 'credential'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw new TypeError(`Give one credential, not ${given.join(' and ')}`);

  let credential: Credential | CredentialProvider | undefined = options.credential;
  if (options.apiKey !== undefined) credential = { type: 'apiKey', key: options.apiKey };
  if (options.sessionToken !== undefined) credential = { type: 'bearer', token: options.sessionToken };
  if (options.platformToken !== undefined) credential = { type: 'bearer', token: options.platformToken };
  if (credential === undefined) return ANONYMOUS;

  if (isProvider(credential)) credential = { type: 'provider', provider: credential };
  switch (credential.type) {
    case 'apiKey': {
      assertWellFormedKey(credential.key);
      const headers: Record<string, string> =
        credential.header === 'x-api-key' ? { 'x-api-key': credential.key } : { authorization: `Bearer ${credential.key}` };
      return { headers: async () => headers, refreshable: false };
    }
    case 'bearer': {
      assertToken(credential.token, 'The token');
      const headers = { authorization: `Bearer ${credential.token}` };
      return { headers: async () => headers, refreshable: false };
    }
    case 'provider': {
      const provider = credential.provider;
      return {
        headers: async (signal): Promise<Record<string, string>> => {
          const value = await provider.getAuthorizationHeader({ signal });
          return value ? { authorization: value } : {};
        },
        invalidate: provider.invalidate?.bind(provider),
        refreshable: typeof provider.invalidate === 'function',
      };
    }
    default:
      throw new TypeError(`Unknown credential type ${JSON.stringify((credential as { type?: unknown }).type)}`);
  }
}
