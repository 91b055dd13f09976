import type { ScopeSet } from './scopes.ts';

// Who is calling, and with what: types every layer shares, so none of them imports them from above.

/** Who is calling. Tenant callers carry the scopes they hold right now. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'platform'; credentialId: string }
  | { kind: 'member'; tenantId: string; memberId: string; sessionId: string; roleId: string; scopes: ScopeSet }
  | { kind: 'apiKey'; tenantId: string; keyId: string; publicId: string; ownerId: string; scopes: ScopeSet }
  | { kind: 'accessToken'; tenantId: string; tokenId: string; keyId: string; ownerId: string; scopes: ScopeSet };

export type TenantCaller = Extract<Caller, { tenantId: string }>;

export interface RequestInfo {
  id: string;
  ip: string;
  userAgent: string | null;
  /** `METHOD /path` of the request (read when needed: canary records). */
  readonly route?: string;
  /** The TCP connection the request came on (absent: not over a socket, e.g. `yoga.fetch`). */
  connection?: object;
}

/** A credential as presented on a request, before anything is looked up. */
export type PresentedCredential =
  | { kind: 'token'; text: string; source: 'bearer' | 'x-api-key' | 'rest_api_key' | 'query' | 'cookie' }
  | { kind: 'basic'; publicId: string; secret: string };

/** Opaque bearer tokens announce their kind by prefix; anything else is read as an API key. */
export const TOKEN_PREFIX = { platform: 'kwp', session: 'kws', accessToken: 'kwt' } as const;

/**
 * Told after every committed change that can alter a verification verdict (keys, groups, members,
 * roles, tenants, IP rules, tokens), so every instance drops what it cached for them.
 */
export interface CredentialInvalidation {
  /** No keyIds: everything cached for the tenant. */
  invalidate(change: { tenantId: string; keyIds?: string[] }): Promise<void>;
}
