// The SDK's public data types: exactly what its operations select (src/operations/), so a type
// never promises a field the SDK did not fetch. Inputs, filters and enums come from schema.graphql.
import type * as G from './gql/graphql.ts';
import type { KeywardenError } from './errors.ts';

// --- ids ----------------------------------------------------------------------------------------

/**
 * Ids carry their entity's prefix (`key_01jd5x8m…`), and their types say so: a group id where a key
 * id belongs does not compile. An id from your own storage: `asId('key', text)` checks the prefix.
 */
export type TenantId = `ten_${string}`;
export type MemberId = `mem_${string}`;
export type RoleId = `rol_${string}`;
export type ScopeId = `scp_${string}`;
export type GroupId = `grp_${string}`;
export type KeyId = `key_${string}`;
export type IpRuleId = `ipr_${string}`;
export type AccessTokenId = `tok_${string}`;
export type SessionId = `ses_${string}`;
export type AuditEventId = `aud_${string}`;

/** Each entity's id prefix. */
export interface IdTypes {
  ten: TenantId;
  mem: MemberId;
  rol: RoleId;
  scp: ScopeId;
  grp: GroupId;
  key: KeyId;
  ipr: IpRuleId;
  tok: AccessTokenId;
  ses: SessionId;
  aud: AuditEventId;
}

/** `T` with the fields of `M` replaced (the ids of generated types, their branded form). */
type With<T, M extends { [K in keyof M]: K extends keyof T ? unknown : never }> = { [K in keyof T]: K extends keyof M ? M[K] : T[K] } & {};

// --- results --------------------------------------------------------------------------------------

type BrandedIpRule<T> = { [K in keyof T]: K extends 'id' ? IpRuleId : T[K] } & {};

export type Tenant = With<G.TenantFieldsFragment, { id: TenantId }>;
export type Member = With<G.MemberFieldsFragment, { id: MemberId }>;
/** The calling member with their role (`members.me()`). */
export type Me = With<NonNullable<G.MeQuery['me']>, { id: MemberId }>;
export type Role = With<G.RoleFieldsFragment, { id: RoleId }>;
export type Scope = With<G.ScopeFieldsFragment, { id: ScopeId }>;
export type ManagementScope = G.ManagementScopesQuery['managementScopes'][number];
export type Group = With<G.GroupFieldsFragment, { id: GroupId; ipRules: BrandedIpRule<G.GroupFieldsFragment['ipRules'][number]>[] }>;
export type ApiKey = With<G.ApiKeyFieldsFragment, { id: KeyId; ipRules: BrandedIpRule<G.ApiKeyFieldsFragment['ipRules'][number]>[] }>;
/** Your customer or user (externalId) and the rate limits all its keys share. */
export type Identity = G.IdentityFieldsFragment;
/** A key's limits in full, with what is left of each window now (`keys.limits(id)`). */
export type KeyLimits = NonNullable<G.KeyLimitsQuery['apiKey']>;
/** A network (IPv4 /24, IPv6 /48) a key was used from, with when. */
export type KeyNetwork = NonNullable<G.KeyNetworksQuery['apiKey']>['networks'][number];
/** A limit in force for a key or identity and what is left of its window. */
export type RateLimitStatus = KeyLimits['rateLimitStatus'][number];
/** An access token issued to a key by POST /oauth/token (its text is never readable here). */
export type AccessToken = With<G.AccessTokenFieldsFragment, { id: AccessTokenId }>;
export type IpRule = BrandedIpRule<G.IpRuleFieldsFragment>;
export type RouteMap = G.RouteMapFieldsFragment;
export type Session = With<G.SessionFieldsFragment, { id: SessionId }>;
export type Viewer = G.ViewerQuery['viewer'];
export type AccessExplanation = NonNullable<G.ExplainAccessQuery['explainAccess']>;
export type AuditEvent = With<G.AuditEventFieldsFragment, { id: AuditEventId; tenantId: TenantId }>;
export type AuditChainVerification = G.VerifyAuditChainQuery['verifyAuditChain'];

type VerifyFields = G.VerifyQuery['verify'];

/** `valid: true`: who the credential is and what it holds (every field of the key set). */
export type VerifyAccepted = With<
  VerifyFields,
  {
    valid: true;
    code: 'VALID';
    credentialType: NonNullable<VerifyFields['credentialType']>;
    keyId: KeyId;
    publicId: string;
    /** The access token's id, when an access token (not the key itself) was presented. */
    tokenId: AccessTokenId | null;
    tenantId: TenantId;
    ownerId: MemberId;
    name: string;
    scopes: string[];
  }
>;

/** `valid: false`: why (`code`, `message`; `missingScopes`, `retryAfter`, `limitName` when they apply). */
export type VerifyRefused = With<
  VerifyFields,
  {
    valid: false;
    code: Exclude<VerifyFields['code'], 'VALID'>;
    /** Set when the key was found (e.g. a DISABLED or INSUFFICIENT_SCOPES verdict). */
    keyId: KeyId | null;
    tenantId: TenantId | null;
    tokenId: AccessTokenId | null;
    ownerId: MemberId | null;
  }
>;

/** A verification's verdict: `if (result.valid)` narrows to VerifyAccepted, else VerifyRefused. */
export type VerifyResult = VerifyAccepted | VerifyRefused;

// --- inputs ---------------------------------------------------------------------------------------

/** The server's expiry presets (`expiresIn: '1d'`). */
export type ExpiryPreset = '1h' | '12h' | '1d' | '5d' | '1y';

/** A lifetime from now, e.g. `{ days: 30 }` (sent as `expiresAt`, whole seconds). */
export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
}

/** A key's lifetime from now: a server preset or a duration. */
export type ExpiresIn = ExpiryPreset | Duration;

export type CreateKeyInput = With<G.CreateKeyInput, { expiresIn?: ExpiresIn | null; groupId?: GroupId | null; ownerId?: MemberId | null }>;
export type CreateKeysInput = With<G.CreateKeysInput, { items: CreateKeyInput[] }>;
export type UpdateKeyInput = With<G.UpdateKeyInput, { id: KeyId; expiresIn?: ExpiresIn | null; groupId?: GroupId | null; ownerId?: MemberId | null }>;
export type RevokeKeyInput = With<G.RevokeKeyInput, { id: KeyId }>;
export type RotateKeyInput = With<G.RotateKeyInput, { id: KeyId }>;
export type RotateKeysInput = With<G.RotateKeysInput, { items: RotateKeyInput[] }>;
export type BulkUpdateKeysInput = With<G.BulkUpdateKeysInput, { ids?: KeyId[] | null }>;
export type UpdateGroupInput = With<G.UpdateGroupInput, { id: GroupId }>;
export type DeleteGroupInput = With<G.DeleteGroupInput, { id: GroupId; moveKeysTo?: GroupId | null }>;
export type CreateMemberInput = With<G.CreateMemberInput, { roleId: RoleId }>;
export type UpdateMemberInput = With<G.UpdateMemberInput, { id: MemberId; roleId?: RoleId | null }>;
export type UpdateRoleInput = With<G.UpdateRoleInput, { id: RoleId }>;
export type DeleteRoleInput = With<G.DeleteRoleInput, { id: RoleId }>;
export type UpdateScopeInput = With<G.UpdateScopeInput, { id: ScopeId }>;
export type DeleteScopeInput = With<G.DeleteScopeInput, { id: ScopeId }>;
export type UpdateTenantInput = With<G.UpdateTenantInput, { id: TenantId }>;
export type SetMemberPasswordInput = With<G.SetMemberPasswordInput, { memberId: MemberId }>;
export type CreateIpRuleInput = With<G.CreateIpRuleInput, { groupId?: GroupId | null; apiKeyId?: KeyId | null }>;

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
  expiresAt: Date;
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
  CallerKind,
  CreateGroupInput,
  CreditsInput,
  NamedRateLimitInput,
  RateLimitInput,
  SetIdentityLimitsInput,
  VerifyRateLimitCharge,
  CreateRoleInput,
  CreateScopeInput,
  CreateTenantInput,
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
  RoleFilter,
  RouteInput,
  RouteMapDefault,
  ScopeFilter,
  SetRouteMapInput,
  TenantFilter,
  TenantStatus,
  VerifiedCredentialType,
  VerifyCode,
  VerifyInput,
} from './gql/graphql.ts';
