import type { ScopeSet } from './scopes.ts';

/** Who is calling. Tenant callers carry the scopes they hold right now. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'platform'; credentialId: string }
  | { kind: 'member'; tenantId: string; memberId: string; sessionId: string; roleId: string; scopes: ScopeSet }
  | { kind: 'apiKey'; tenantId: string; keyId: string; publicId: string; ownerId: string; scopes: ScopeSet }
  | { kind: 'accessToken'; tenantId: string; tokenId: string; keyId: string; ownerId: string; scopes: ScopeSet };

export type TenantCaller = Extract<Caller, { tenantId: string }>;
