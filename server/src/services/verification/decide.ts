import { decideAccess } from '../../domain/access.ts';
import { isExpired } from '../../domain/expiry.ts';
import type { KeyRecord } from './keyRecord.ts';

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
};

export type CachedAccessDecision = { allowed: true } | { allowed: false; code: DenialCode; missingScopes?: string[] };

/**
 * The verdict on a cached key record before its secret is checked: these checks cost nothing,
 * so a key that could never pass never reaches argon2. The rules themselves are
 * domain/access.ts `decideAccess`, the one source of truth shared with `explainAccess`.
 *
 * `ip: null` (not given) refuses a key with IP rules; `endpoint: null` refuses a key limited to
 * some endpoints; `endpoint: undefined` skips the endpoint check (the management API is not one
 * of the tenant's endpoints).
 *
 * Verdicts are remembered on the record (which an invalidation replaces): for a given record a
 * verdict depends on the request only through address, endpoint and required scopes, and on
 * time only through expiry, so once the key has expired the memo is bypassed.
 */
export function decideCachedAccess(
  key: KeyRecord,
  request: { now: Date; ip: string | null; endpoint: string | null | undefined; requiredScopes: readonly string[] },
): CachedAccessDecision {
  const expired = key.expiresAt !== null && isExpired(key.expiresAt, request.now);
  if (expired) return decide(key, request);
  const memoKey = JSON.stringify([request.ip, request.endpoint === undefined ? 0 : request.endpoint, request.requiredScopes]);
  let decision = key.decisions.get(memoKey);
  if (decision === undefined) {
    decision = decide(key, request);
    if (key.decisions.size >= MAX_MEMO) key.decisions.clear();
    key.decisions.set(memoKey, decision);
  }
  return decision;
}

const MAX_MEMO = 256;
const ALLOWED: CachedAccessDecision = Object.freeze({ allowed: true });

function decide(
  key: KeyRecord,
  request: { now: Date; ip: string | null; endpoint: string | null | undefined; requiredScopes: readonly string[] },
): CachedAccessDecision {
  const decision = decideAccess({ ...key.access, now: request.now, ip: request.ip, endpoint: request.endpoint, requiredScopes: request.requiredScopes });
  if (decision.allowed) return ALLOWED;
  const code = decision.code as DenialCode;
  return code === 'INSUFFICIENT_SCOPES' ? { allowed: false, code, missingScopes: decision.missingScopes } : { allowed: false, code };
}
