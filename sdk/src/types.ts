// The SDK's public data types: exactly what its operations select (src/operations/), so a type
// never promises a field the SDK did not fetch. Inputs, filters and enums come from schema.graphql.
import type * as G from './gql/graphql.ts';
import type { KeywardenError } from './errors.ts';

export type Tenant = G.TenantFieldsFragment;
export type Member = G.MemberFieldsFragment;
/** The calling member with their role (`members.me()`). */
export type Me = NonNullable<G.MeQuery['me']>;
export type Role = G.RoleFieldsFragment;
export type Scope = G.ScopeFieldsFragment;
export type ManagementScope = G.ManagementScopesQuery['managementScopes'][number];
export type Group = G.GroupFieldsFragment;
export type ApiKey = G.ApiKeyFieldsFragment;
/** Your customer or user (externalId) and the rate limits all its keys share. */
export type Identity = G.IdentityFieldsFragment;
/** A key's limits in full, with what is left of each window now (`keys.limits(id)`). */
export type KeyLimits = NonNullable<G.KeyLimitsQuery['apiKey']>;
/** A network (IPv4 /24, IPv6 /48) a key was used from, with when. */
export type KeyNetwork = NonNullable<G.KeyNetworksQuery['apiKey']>['networks'][number];
/** A limit in force for a key or identity and what is left of its window. */
export type RateLimitStatus = KeyLimits['rateLimitStatus'][number];
/** An access token issued to a key by POST /oauth/token (its text is never readable here). */
export type AccessToken = G.AccessTokenFieldsFragment;
export type IpRule = G.IpRuleFieldsFragment;
export type RouteMap = G.RouteMapFieldsFragment;
export type Session = G.SessionFieldsFragment;
export type Viewer = G.ViewerQuery['viewer'];
export type AccessExplanation = NonNullable<G.ExplainAccessQuery['explainAccess']>;
export type VerifyResult = G.VerifyQuery['verify'];
export type AuditEvent = G.AuditEventFieldsFragment;
export type AuditChainVerification = G.VerifyAuditChainQuery['verifyAuditChain'];

/** A new or rotated key. The key text is shown this once: store it now. */
export interface IssuedKey {
  apiKey: ApiKey;
  /** The full key text: `createClient({ url, apiKey: key })`, `Authorization: Bearer <key>`, or `X-API-Key: <key>`. */
  key: string;
  /** The OAuth 2.0 client_id for POST /oauth/token: the key's public id (not a secret). */
  clientId: string;
  /** The OAuth 2.0 client_secret for POST /oauth/token: the full key text, the same as `key`. */
  clientSecret: string;
  /** The full key text, the same as `key` (its earlier name). */
  secret: string;
  /** Null: the key text is in `key` (delivery KEY_TEXT). */
  revealUrl?: null;
  revealLinkExpiresAt?: null;
}

/**
 * A new or rotated key delivered by a single-use reveal link (`delivery: 'REVEAL_LINK'`): no key
 * text in the answer; hand `revealUrl` to whoever will use the key. It shows the text once, until
 * `revealLinkExpiresAt`.
 */
export interface IssuedKeyByLink {
  apiKey: ApiKey;
  clientId: string;
  key: null;
  clientSecret: null;
  secret: null;
  revealUrl: string;
  revealLinkExpiresAt: string;
}

/** One item of keys.createMany or keys.rotateMany: its key, or why it was not done (only with atomic: false). */
export type BulkKeyResult =
  /** With items of delivery REVEAL_LINK, `issued` is an IssuedKeyByLink (key null, revealUrl set). */
  | { index: number; ok: true; issued: IssuedKey }
  | { index: number; ok: false; error: KeywardenError };

export interface BulkKeysResult {
  /** One per item, in the input's order. */
  results: BulkKeyResult[];
  succeeded: number;
  failed: number;
}

/** What reportLeakedKey did: the key the text belongs to, and the tenant's policy applied to it. */
export interface LeakedKeyReport {
  keyId: string;
  policy: import('./gql/graphql.ts').LeakedKeyPolicy;
  /** The key's stored status now. */
  status: import('./gql/graphql.ts').ApiKeyStatus;
  /** The same report was made before: nothing changed now. */
  alreadyReported: boolean;
}

export interface LoginResult {
  /** The session token: `createClient({ url, sessionToken: token })` or `client.withCredentials(...)`. */
  token: string;
  expiresAt: string;
  member: Member;
}

export type {
  AccessCode,
  ApiKeyFilter,
  ApiKeyStatus,
  AuditActorType,
  AuditEventFilter,
  BuiltInRole,
  BulkKeyAction,
  BulkUpdateKeysInput,
  CallerKind,
  CreateGroupInput,
  CreateIpRuleInput,
  CreateKeyInput,
  CreditsInput,
  NamedRateLimitInput,
  RateLimitInput,
  SetIdentityLimitsInput,
  VerifyRateLimitCharge,
  CreateKeysInput,
  CreateMemberInput,
  CreateRoleInput,
  CreateScopeInput,
  CreateTenantInput,
  DeleteGroupInput,
  DeleteRoleInput,
  DeleteScopeInput,
  ErrorCode as ServerErrorCode,
  GroupFilter,
  InitialKeyStatus,
  KeyDelivery,
  RotationGraceStart,
  RotationState,
  IpDenialReason,
  IpRuleAction,
  IpRuleInput,
  IpRuleLevel,
  LeakedKeyPolicy,
  LoginInput,
  MemberFilter,
  MemberStatus,
  ReportLeakedKeyInput,
  RevokeKeyInput,
  RotateKeysInput,
  RoleFilter,
  RouteInput,
  RouteMapDefault,
  RotateKeyInput,
  ScopeFilter,
  SetMemberPasswordInput,
  SetRouteMapInput,
  TenantFilter,
  TenantStatus,
  UpdateGroupInput,
  UpdateKeyInput,
  UpdateMemberInput,
  UpdateRoleInput,
  UpdateScopeInput,
  UpdateTenantInput,
  VerifiedCredentialType,
  VerifyCode,
  VerifyInput,
} from './gql/graphql.ts';
