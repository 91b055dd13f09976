// The verdicts verification answers with, and the memo of one a key record keeps (decide.ts).

export const VERIFY_CODES = [
  'VALID',
  'NOT_FOUND',
  'DISABLED',
  'REVOKED',
  'EXPIRED',
  'IP_NOT_ALLOWED',
  'ENDPOINT_NOT_ALLOWED',
  'INSUFFICIENT_SCOPES',
  'RATE_LIMITED',
  'USAGE_EXCEEDED',
  'TENANT_DISABLED',
  'TOKEN_EXCHANGE_ONLY',
  'UNKNOWN_RATE_LIMIT',
] as const;
export type VerifyCode = (typeof VERIFY_CODES)[number];
export type DenialCode = Exclude<VerifyCode, 'VALID'>;

/** What a verdict says to the resource server. Deliberately general: the details are for administrators (explainAccess). */
export const VERIFY_MESSAGES: Record<VerifyCode, string> = {
  VALID: 'The credential is valid',
  NOT_FOUND: 'No such key',
  DISABLED: 'The key is disabled',
  REVOKED: 'The key has been revoked',
  EXPIRED: 'The key has expired',
  IP_NOT_ALLOWED: 'The key is not allowed from this address',
  ENDPOINT_NOT_ALLOWED: 'The key is not allowed to call this endpoint',
  INSUFFICIENT_SCOPES: 'The key lacks required scopes',
  RATE_LIMITED: 'Too many requests for this key',
  USAGE_EXCEEDED: 'The key has no remaining uses',
  TENANT_DISABLED: "The key's tenant is suspended or has its API switched off",
  TOKEN_EXCHANGE_ONLY: 'The key may only be exchanged for access tokens at POST /oauth/token; present one of its tokens instead',
  UNKNOWN_RATE_LIMIT: 'The key has no rate limit of a name asked to charge',
};

export type CachedAccessDecision = { allowed: true } | { allowed: false; code: DenialCode; missingScopes?: string[] };
