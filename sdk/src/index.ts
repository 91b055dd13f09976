// @keywarden/sdk — a typed client for the Keywarden management API, generated from schema.graphql.
export { createClient, KeywardenClient, type ClientOptions } from './client.ts';
export type { Credential, CredentialFields, CredentialOptions, CredentialProvider } from './credentials.ts';
export { asId, isId, type IdPrefix } from './ids.ts';
export { meta, type ResultMeta } from './meta.ts';
export { clientCredentials, type ClientCredentialsOptions, type ClientCredentialsProvider, type TokenIntrospection } from './clientCredentials.ts';
export type { CallOptions, FetchLike, SubscribeOptions, TransportOptions } from './transport.ts';
export { DEFAULT_RETRY, type RetryInfo, type RetryOptions } from './retry.ts';
export { PageIterator, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ListOptions, type Page, type PageInfo, type PageRequest } from './pagination.ts';
export {
  KeywardenError,
  AuthenticationError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  ConflictError,
  RateLimitedError,
  BadRequestError,
  ServerError,
  NetworkError,
  TimeoutError,
  AbortedError,
  MalformedKeyError,
  type ErrorCode,
  type FieldError,
  type GraphQLErrorInfo,
} from './errors.ts';
export { isWellFormedKey, parseKey, maskKey, type ParsedKey, type KeyFormatFailure, type KeyFormatProblem } from './keyFormat.ts';
export {
  requireKey,
  presentedKey,
  type GuardCode,
  type GuardDecision,
  type GuardRequest,
  type KeyGuard,
  type NodeRequestLike,
  type NodeResponseLike,
  type RequireKeyOptions,
} from './resourceServer.ts';
export type { VerdictCacheOptions, VerdictCacheStats } from './verdictCache.ts';
export type { ServerSentEvent } from './transport/streams.ts';
export type { VerifyOptions, VerifyRequest } from './resources/verify.ts';
export type { ExplainAccessInput } from './resources/keys.ts';
export type { IpRuleOwner } from './resources/ipRules.ts';
export type { AuditExportOptions, AuditListFilter, AuditStreamOptions } from './resources/audit.ts';
export type { MemberListFilter } from './resources/members.ts';
export type { RoleListFilter } from './resources/roles.ts';
export type { ScopeListFilter } from './resources/scopes.ts';
export type * from './types.ts';
