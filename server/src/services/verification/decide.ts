import { decideAccess } from '../../domain/access.ts';
import { isExpired } from '../../domain/expiry.ts';
import type { CachedAccessDecision, DenialCode } from './codes.ts';
import type { KeyRecord } from './keyRecord.ts';

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
