import { builder } from '../builder.ts';
import { isDatabaseUnavailable, serviceUnavailable } from '../db/unavailable.ts';
import { VERIFY_CODES, type VerifyOutcome } from '../services/verification/index.ts';
import type { ChargedLimit } from '../services/verification/pipeline.ts';
import { verifyForTenant } from '../services/verification/tenantVerify.ts';

// The GraphQL face of POST /v1/verify: the same input, the same verdicts, the same pipeline.

const VerifyCodeEnum = builder.enumType('VerifyCode', {
  description: 'The verdict. Only VALID means the credential may act; a key of another tenant is NOT_FOUND.',
  values: VERIFY_CODES,
});

const CredentialTypeEnum = builder.enumType('VerifiedCredentialType', { values: ['API_KEY', 'ACCESS_TOKEN'] as const });

const VerifyRateLimitCharge = builder.inputType('VerifyRateLimitCharge', {
  description: "A rate limit of the key (or of its identity) to charge, by name; `default` is the key's unnamed limit.",
  fields: (t) => ({
    name: t.string({ required: true }),
    cost: t.int({ required: false, description: 'What the request costs against the limit: 0-10000, default 1.' }),
  }),
});

const VerifyCreditsCharge = builder.inputType('VerifyCreditsCharge', {
  fields: (t) => ({
    cost: t.int({ required: false, description: 'Usage credits the request costs: 0-10000, default 1 (0 only checks that some are left).' }),
  }),
});

const VerifyInput = builder.inputType('VerifyInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: 'The key text or access token presented to the resource server.' }),
    scopes: t.stringList({ required: false, description: 'Scopes the request needs; all must be held.' }),
    ip: t.string({ required: false, description: "The end client's address, checked against IP rules (keys with IP rules are refused without it)." }),
    endpoint: t.string({ required: false, description: 'The endpoint called, `METHOD /path` or `/path` (keys limited to endpoints are refused without it).' }),
    rateLimits: t.field({
      type: [VerifyRateLimitCharge],
      required: false,
      description: "The rate limits to charge (at most 8). Default: the key's `default` limit(s), cost 1. A name the key lacks is UNKNOWN_RATE_LIMIT.",
    }),
    credits: t.field({ type: VerifyCreditsCharge, required: false, description: 'Default: cost 1, when the key has usage credits.' }),
  }),
});

const LimitLevelEnum = builder.enumType('RateLimitLevel', {
  values: ['KEY', 'IDENTITY'] as const,
  description: "KEY: counted for the key alone. IDENTITY: counted for all the keys of the key's identity.",
});

const VerifyChargedRateLimit = builder.objectRef<ChargedLimit>('VerifyChargedRateLimit').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    level: t.expose('level', { type: LimitLevelEnum }),
    limit: t.exposeInt('limit'),
    remaining: t.exposeInt('remaining'),
    resetAt: t.expose('resetAt', { type: 'DateTime' }),
  }),
});

const VerifyRateLimit = builder.objectRef<{ limit: number; remaining: number; resetAt: Date }>('VerifyRateLimit').implement({
  fields: (t) => ({
    limit: t.exposeInt('limit', { description: 'Requests allowed per window.' }),
    remaining: t.exposeInt('remaining', { description: 'Requests left in the current window.' }),
    resetAt: t.expose('resetAt', { type: 'DateTime', description: 'When the current window ends.' }),
  }),
});

/** The verdict flattened for GraphQL: every field a plain property, so none needs a resolver. */
interface VerifyResultShape {
  valid: boolean;
  code: VerifyOutcome['code'];
  message: string;
  credentialType: 'API_KEY' | 'ACCESS_TOKEN' | null;
  keyId: string | null;
  publicId: string | null;
  tokenId: string | null;
  tenantId: string | null;
  ownerId: string | null;
  name: string | null;
  scopes: string[] | null;
  metadata: unknown;
  expiresAt: Date | null;
  rateLimit: { limit: number; remaining: number; resetAt: Date } | null;
  rateLimits: ChargedLimit[] | null;
  remainingUses: number | null;
  cacheableUntil: Date | null;
  missingScopes: string[] | null;
  retryAfter: number | null;
  limitName: string | null;
}

function toShape(o: VerifyOutcome): VerifyResultShape {
  if (!o.valid) {
    return {
      valid: false, code: o.code, message: o.message, credentialType: null, keyId: null, publicId: null, tokenId: null, tenantId: null,
      ownerId: null, name: null, scopes: null, metadata: null, expiresAt: null, rateLimit: null, rateLimits: null, remainingUses: null, cacheableUntil: null,
      missingScopes: o.missingScopes ?? null, retryAfter: o.retryAfter ?? null, limitName: o.limitName ?? null,
    };
  }
  return {
    valid: true, code: o.code, message: o.message, credentialType: o.credentialType, keyId: o.keyId, publicId: o.publicId, tokenId: o.tokenId,
    tenantId: o.tenantId, ownerId: o.ownerId, name: o.name, scopes: o.scopeList, metadata: o.metadata ?? null, expiresAt: o.expiresAt,
    rateLimit: o.rateLimit, rateLimits: o.rateLimits, remainingUses: o.remainingUses,
    cacheableUntil: o.reusableUntil === null || !Number.isFinite(o.reusableUntil) ? null : new Date(o.reusableUntil), missingScopes: null, retryAfter: null, limitName: null,
  };
}

const VerifyResult = builder.objectRef<VerifyResultShape>('VerifyResult').implement({
  description: 'A verdict on a presented credential. Identity fields are set only when valid.',
  fields: (t) => ({
    valid: t.exposeBoolean('valid'),
    code: t.expose('code', { type: VerifyCodeEnum }),
    message: t.exposeString('message'),
    credentialType: t.expose('credentialType', { type: CredentialTypeEnum, nullable: true }),
    keyId: t.exposeID('keyId', { nullable: true }),
    publicId: t.exposeString('publicId', { nullable: true }),
    tokenId: t.exposeID('tokenId', { nullable: true }),
    tenantId: t.exposeID('tenantId', { nullable: true }),
    ownerId: t.exposeID('ownerId', { nullable: true, description: 'The member the key acts for.' }),
    name: t.exposeString('name', { nullable: true }),
    scopes: t.exposeStringList('scopes', { nullable: true, description: 'Effective scopes: key ∩ owner role ∩ group limit (∩ token scopes).' }),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    rateLimit: t.expose('rateLimit', { type: VerifyRateLimit, nullable: true, description: 'Of the rate limits charged, the one with the least left.' }),
    rateLimits: t.expose('rateLimits', { type: [VerifyChargedRateLimit], nullable: true, description: 'Every rate limit charged, in the order asked.' }),
    remainingUses: t.exposeInt('remainingUses', { nullable: true, description: 'Usage credits left after this use; null when unlimited.' }),
    cacheableUntil: t.expose('cacheableUntil', {
      type: 'DateTime',
      nullable: true,
      description:
        'Until when a resource server following GET /v1/invalidations may reuse this verdict for the same key, address, endpoint and scopes; ' +
        'null: never (rate limits or usage credits count every request). Never past the expiry.',
    }),
    missingScopes: t.exposeStringList('missingScopes', { nullable: true }),
    retryAfter: t.exposeInt('retryAfter', { nullable: true, description: 'Seconds to wait (RATE_LIMITED).' }),
    limitName: t.exposeString('limitName', { nullable: true, description: 'The limit that refused (RATE_LIMITED) or that the key lacks (UNKNOWN_RATE_LIMIT).' }),
  }),
});

builder.queryField('verify', (t) =>
  t.field({
    type: VerifyResult,
    description: 'Whether a presented key or access token may act (resource servers; needs keys:verify). Same as POST /v1/verify.',
    authScopes: { scope: 'keys:verify' },
    args: { input: t.arg({ type: VerifyInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      if (!('tenantId' in ctx.caller)) throw new Error('unreachable: keys:verify implies a tenant caller');
      const { key, scopes, ip, endpoint, rateLimits, credits } = args.input;
      const input = { key, scopes, ip, endpoint, rateLimits, credits };
      try {
        // Exhausted argon2 capacity is answered by the error policy (RATE_LIMITED, as ever).
        return toShape(await verifyForTenant(ctx.app.verification, ctx.caller.tenantId, input, ctx.request.ip, 'graphql', ctx.request));
      } catch (error) {
        // No verdict without the database: SERVICE_UNAVAILABLE (503, Retry-After), never a guess.
        if (isDatabaseUnavailable(error)) throw serviceUnavailable(ctx.app.logger, error, { requestId: ctx.request.id, field: 'verify' });
        throw error;
      }
    },
  }),
);
