import { isIPv4 } from 'node:net';
import { BadRequestError } from '../../domain/errors.ts';
import { parseAddress } from '../../domain/ipRules.ts';
import { SCOPE_NAME_MAX_LENGTH } from '../../domain/scopes.ts';
import type { VerifyOutcome } from './pipeline.ts';

/** What a resource server sends to POST /v1/verify (and the GraphQL `verify` query's input). */
export interface VerifyInput {
  /** The presented key text or access token. */
  key: string;
  scopes: string[];
  /** The end client's address, canonical form. */
  ip: string | null;
  endpoint: string | null;
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
  const unknown = Object.keys(body).filter((k) => !['key', 'scopes', 'ip', 'endpoint'].includes(k));
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
  return { key, scopes, ip, endpoint };
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
    remainingUses: outcome.remainingUses,
  };
}
