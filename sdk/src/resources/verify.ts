import { VerifyQuery } from '../operations/verify.ts';
import type { CallOptions, Transport } from '../transport.ts';
import { meta, withMeta } from '../meta.ts';
import { reviveDatesAs } from '../transport/dates.ts';
import type { VerifyResult } from '../types.ts';

export interface VerifyRequest {
  /** The key text or access token presented to your API. */
  key: string;
  /** Scopes the request needs; all must be held. */
  scopes?: string[];
  /** The end client's address (keys with IP rules are refused without it). */
  ip?: string | null;
  /** The endpoint called, `METHOD /path` or `/path` (keys limited to endpoints are refused without it). */
  endpoint?: string | null;
  /** Rate limits to charge by name, each with a cost (default 1); default: the key's `default` limit. */
  rateLimits?: { name: string; cost?: number }[];
  /** Usage credits this request costs (default 1; 0 only checks that some are left). */
  credits?: { cost: number };
}

export interface VerifyOptions extends CallOptions {
  /** `rest` (default): POST /v1/verify, the fast path. `graphql`: the `verify` query. Same verdicts. */
  via?: 'rest' | 'graphql';
}

/** POST /v1/verify leaves out what does not apply; the SDK always returns every field (null when unset). */
function fromRest(body: Record<string, any>): VerifyResult {
  const result = {
    valid: body.valid === true,
    code: body.code,
    message: typeof body.message === 'string' ? body.message : '',
    credentialType: body.credentialType ?? null,
    keyId: body.keyId ?? null,
    publicId: body.publicId ?? null,
    tokenId: body.tokenId ?? null,
    tenantId: body.tenantId ?? null,
    ownerId: body.ownerId ?? null,
    name: body.name ?? null,
    scopes: body.scopes ?? null,
    metadata: body.metadata ?? null,
    expiresAt: body.expiresAt ?? null,
    rateLimit: body.rateLimit ?? null,
    rateLimits: body.rateLimits ?? null,
    remainingUses: body.remainingUses ?? null,
    cacheableUntil: body.cacheableUntil ?? null,
    missingScopes: body.missingScopes ?? null,
    retryAfter: body.retryAfter ?? null,
    limitName: body.limitName ?? null,
  } as VerifyResult;
  return withMeta(reviveDatesAs('VerifyResult', result), meta(body));
}

/**
 * Asks whether a presented credential may act (the caller needs keys:verify). A "no" is a result
 * (`valid: false` with a `code`), not an exception; exceptions are for a caller that may not verify,
 * a bad request or an unreachable server. Usage counters move on every verification, so a request
 * that may have reached the server is not repeated.
 */
export async function verify(t: Transport, input: VerifyRequest, options: VerifyOptions = {}): Promise<VerifyResult> {
  const { via = 'rest', ...call } = options;
  if (via === 'graphql') {
    const { verify: result } = await t.request(
      VerifyQuery,
      {
        input: {
          key: input.key, scopes: input.scopes ?? null, ip: input.ip ?? null, endpoint: input.endpoint ?? null,
          rateLimits: input.rateLimits ?? null, credits: input.credits ?? null,
        },
      },
      call,
    );
    return result as VerifyResult;
  }
  const body: Record<string, unknown> = { key: input.key };
  if (input.scopes) body.scopes = input.scopes;
  if (input.ip) body.ip = input.ip;
  if (input.endpoint) body.endpoint = input.endpoint;
  if (input.rateLimits) body.rateLimits = input.rateLimits;
  if (input.credits) body.credits = input.credits;
  return fromRest(await t.postJson<Record<string, any>>('/v1/verify', body, 'mutation', call));
}
