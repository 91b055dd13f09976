import { isIPv4 } from 'node:net';
import { BadRequestError } from '../../domain/errors.ts';
import { parseAddress } from '../../domain/ipRules.ts';
import { SCOPE_NAME_MAX_LENGTH } from '../../domain/scopes.ts';
import type { VerifyOutcome, VerifyValid } from './pipeline.ts';
import { DEFAULT_CHARGE, LIMIT_BOUNDS, LIMIT_NAME_PATTERN, type ChargeRequest } from '../../domain/limits.ts';

/** What a resource server sends to POST /v1/verify (and the GraphQL `verify` query's input). */
export interface VerifyInput {
  /** The presented key text or access token. */
  key: string;
  scopes: string[];
  /** The end client's address, canonical form. */
  ip: string | null;
  endpoint: string | null;
  /** Which rate limits to charge, at what cost, and the credit cost (see domain/limits.ts). */
  charge: ChargeRequest;
}

export const MAX_VERIFY_BODY_BYTES = 16 * 1024;
const MAX_CREDENTIAL_LENGTH = 512;
const MAX_SCOPES = 64;
const MAX_ENDPOINT_LENGTH = 2048;
const MAX_IP_LENGTH = 64;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Validates the input's shape and sizes (400 with a message naming the field). The credential's
 * own format is not judged here: a mistyped key is a verdict (NOT_FOUND), not a bad request.
 */
export function parseVerifyInput(raw: unknown): VerifyInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BadRequestError('The request body must be a JSON object');
  const body = raw as Record<string, unknown>;
  const unknown = Object.keys(body).filter((k) => !['key', 'scopes', 'ip', 'endpoint', 'rateLimits', 'credits'].includes(k));
  if (unknown.length > 0) throw new BadRequestError(`Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).map((k) => k.slice(0, 40)).join(', ')}`);

  const key = body.key;
  if (key === undefined || key === null || key === '') throw new BadRequestError('key is required: the key or access token presented to you');
  if (typeof key !== 'string') throw new BadRequestError('key must be a string');
  if (key.length > MAX_CREDENTIAL_LENGTH) throw new BadRequestError(`key must be at most ${MAX_CREDENTIAL_LENGTH} characters`);

  let scopes: string[] = [];
  if (body.scopes !== undefined && body.scopes !== null) {
    if (!Array.isArray(body.scopes) || body.scopes.some((s) => typeof s !== 'string')) throw new BadRequestError('scopes must be a list of strings');
    const problem = scopeListProblem(body.scopes as string[]);
    if (problem !== null) throw new BadRequestError(problem);
    scopes = body.scopes as string[];
  }

  let ip: string | null = null;
  if (body.ip !== undefined && body.ip !== null) {
    if (typeof body.ip !== 'string') throw new BadRequestError('ip must be a string');
    if (isIPv4(body.ip)) {
      // Node's check admits only plain dotted decimal without leading zeros: already canonical.
      ip = body.ip;
    } else {
      const address = body.ip.length <= MAX_IP_LENGTH ? parseAddress(body.ip) : null;
      if (address === null) throw new BadRequestError('ip must be an IPv4 or IPv6 address');
      ip = address.toString();
    }
  }

  let endpoint: string | null = null;
  if (body.endpoint !== undefined && body.endpoint !== null) {
    if (typeof body.endpoint !== 'string') throw new BadRequestError('endpoint must be a string');
    if (body.endpoint.length === 0 || body.endpoint.length > MAX_ENDPOINT_LENGTH) {
      throw new BadRequestError(`endpoint must be 1 to ${MAX_ENDPOINT_LENGTH} characters, e.g. "GET /v1/tickets/42"`);
    }
    if (CONTROL_CHARACTERS.test(body.endpoint)) throw new BadRequestError('endpoint must not contain control characters');
    endpoint = body.endpoint;
  }
  return { key, scopes, ip, endpoint, charge: parseCharge(body.rateLimits, body.credits) };
}

function isCost(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= LIMIT_BOUNDS.maxCost;
}

/**
 * `rateLimits: [{ name, cost? }]` (each name once; cost 0-10000, default 1) and `credits: { cost }`
 * (0-10000, default 1; 0 only checks that some are left). Without rateLimits the key's `default`
 * limits are charged one each; with them, exactly the named ones (`default` may be among them).
 */
export function parseCharge(rateLimits: unknown, credits: unknown): ChargeRequest {
  let named: ChargeRequest['rateLimits'] = null;
  if (rateLimits !== undefined && rateLimits !== null) {
    if (!Array.isArray(rateLimits)) throw new BadRequestError('rateLimits must be a list of { name, cost } objects');
    if (rateLimits.length > LIMIT_BOUNDS.maxChargedLimits) throw new BadRequestError(`rateLimits must list at most ${LIMIT_BOUNDS.maxChargedLimits} limits`);
    named = [];
    for (const item of rateLimits) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new BadRequestError('rateLimits must be a list of { name, cost } objects');
      const { name, cost, ...rest } = item as Record<string, unknown>;
      if (Object.keys(rest).length > 0) throw new BadRequestError('each of rateLimits has only name and cost');
      if (typeof name !== 'string' || !LIMIT_NAME_PATTERN.test(name)) {
        throw new BadRequestError('each rate limit name must be a letter then up to 63 letters, digits, "_", ".", ":" or "-"');
      }
      if (named.some((n) => n.name === name)) throw new BadRequestError(`rateLimits names "${name}" twice`);
      if (cost !== undefined && cost !== null && !isCost(cost)) throw new BadRequestError(`a rate limit cost must be a whole number from 0 to ${LIMIT_BOUNDS.maxCost}`);
      named.push({ name, cost: (cost as number | null | undefined) ?? 1 });
    }
  }
  let creditCost = DEFAULT_CHARGE.creditCost;
  if (credits !== undefined && credits !== null) {
    if (typeof credits !== 'object' || Array.isArray(credits)) throw new BadRequestError('credits must be an object { cost }');
    const { cost, ...rest } = credits as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw new BadRequestError('credits has only cost');
    if (cost !== undefined && cost !== null) {
      if (!isCost(cost)) throw new BadRequestError(`credits.cost must be a whole number from 0 to ${LIMIT_BOUNDS.maxCost}`);
      creditCost = cost;
    }
  }
  return { rateLimits: named, creditCost };
}

/**
 * Whether a list of required scopes is acceptable to look at (a count and size limit, no control
 * characters); null when it is. Names are not judged further: a scope nobody holds is a verdict.
 */
export function scopeListProblem(scopes: readonly string[]): string | null {
  if (scopes.length > MAX_SCOPES) return `scopes must list at most ${MAX_SCOPES} scopes`;
  if (scopes.some((s) => s.length === 0 || s.length > SCOPE_NAME_MAX_LENGTH || CONTROL_CHARACTERS.test(s))) {
    return `each scope must be 1 to ${SCOPE_NAME_MAX_LENGTH} characters, without control characters`;
  }
  return null;
}

/** The JSON answer of POST /v1/verify: verdict fields always, identity only when valid. */
export function verifyResponseBody(outcome: VerifyOutcome): Record<string, unknown> {
  if (!outcome.valid) {
    return {
      valid: false,
      code: outcome.code,
      message: outcome.message,
      ...(outcome.missingScopes ? { missingScopes: outcome.missingScopes } : {}),
      ...(outcome.retryAfter !== undefined ? { retryAfter: outcome.retryAfter } : {}),
      ...(outcome.limitName !== undefined ? { limitName: outcome.limitName } : {}),
    };
  }
  return {
    valid: true,
    code: outcome.code,
    message: outcome.message,
    credentialType: outcome.credentialType,
    keyId: outcome.keyId,
    publicId: outcome.publicId,
    tokenId: outcome.tokenId,
    tenantId: outcome.tenantId,
    ownerId: outcome.ownerId,
    name: outcome.name,
    scopes: outcome.scopeList,
    metadata: outcome.metadata ?? null,
    expiresAt: outcome.expiresAt?.toISOString() ?? null,
    rateLimit: outcome.rateLimit && { limit: outcome.rateLimit.limit, remaining: outcome.rateLimit.remaining, resetAt: outcome.rateLimit.resetAt.toISOString() },
    rateLimits: outcome.rateLimits.map((l) => ({ name: l.name, level: l.level, limit: l.limit, remaining: l.remaining, resetAt: l.resetAt.toISOString() })),
    remainingUses: outcome.remainingUses,
    cacheableUntil: cacheableUntil(outcome),
  };
}

/** Until when a resource server may reuse a VALID verdict (ISO), null for never. See VerifyValid.reusableUntil. */
export function cacheableUntil(outcome: VerifyValid): string | null {
  return outcome.reusableUntil === null || !Number.isFinite(outcome.reusableUntil) ? null : new Date(outcome.reusableUntil).toISOString();
}
