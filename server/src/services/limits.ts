// Rate limits and usage credits as the management API takes them: validated shapes, what they
// write, and what a key, group or identity shows of them (configured values and what is left now).
import { z } from 'zod';
import type { Context } from '../appTypes.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import {
  DEFAULT_LIMIT_NAME, LIMIT_BOUNDS, LIMIT_NAME_PATTERN, compileLimits, creditsNow, defaultLimitOf, readNamedLimits,
  type CreditsRow, type NamedRateLimit, type RateLimitConfig,
} from '../domain/limits.ts';

const B = LIMIT_BOUNDS;
const whole = z.number().int('must be a whole number');

const limit = whole.min(1, 'must be at least 1').max(B.maxLimit, `must be at most ${B.maxLimit}`);
const windowMs = whole
  .min(B.minWindowMs, `must be at least ${B.minWindowMs} ms (1 second)`)
  .max(B.maxWindowMs, `must be at most ${B.maxWindowMs} ms (7 days)`);

/** The unnamed limit: `limit` requests per `windowMs`. */
export const rateLimitInput = z.object({ limit, windowMs });

/** Named limits, each name once; `default` is the unnamed limit's name and not one of them. */
export const namedRateLimitList = z
  .array(z.object({
    name: z.string()
      .regex(LIMIT_NAME_PATTERN, 'must be a letter then up to 63 letters, digits, "_", ".", ":" or "-"')
      .refine((name) => name !== DEFAULT_LIMIT_NAME, `"${DEFAULT_LIMIT_NAME}" is the unnamed limit: set it with rateLimit`),
    limit,
    windowMs,
  }))
  .max(B.maxNamedLimits, `must have at most ${B.maxNamedLimits} limits`)
  .superRefine((limits, issue) => {
    const seen = new Set<string>();
    limits.forEach((l, i) => {
      if (seen.has(l.name)) issue.addIssue({ code: 'custom', path: [i, 'name'], message: `"${l.name}" is named twice` });
      seen.add(l.name);
    });
  });

/** Usage credits: what is left, and optionally a refill to `amount` every `intervalSeconds`. */
export const creditsInput = z.object({
  remaining: whole.min(0, 'must not be negative').max(B.maxCredits, `must be at most ${B.maxCredits}`),
  refill: z.object({
    amount: whole.min(1, 'must be at least 1').max(B.maxCredits, `must be at most ${B.maxCredits}`),
    intervalSeconds: whole
      .min(B.minRefillIntervalSeconds, `must be at least ${B.minRefillIntervalSeconds} seconds`)
      .max(B.maxRefillIntervalSeconds, `must be at most ${B.maxRefillIntervalSeconds} seconds (366 days)`),
  }).nullish(),
});

/** The integrator's id of a customer or user: 1-256 characters, no control characters; '' removes it (on update). */
export const externalIdInput = z
  .string()
  .trim()
  .max(256, 'must be at most 256 characters')
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'must not contain control characters');

/** The limit fields of a create input. */
export const limitFields = {
  rateLimit: rateLimitInput.nullish(),
  namedRateLimits: namedRateLimitList.nullish(),
};

/** The limit fields of an update input: null or absent keeps; `removeRateLimit` clears the unnamed one, `namedRateLimits: []` the named ones. */
export const limitUpdateFields = { ...limitFields, removeRateLimit: z.boolean().nullish() };

type LimitInput = { rateLimit?: RateLimitConfig | null; namedRateLimits?: NamedRateLimit[] | null; removeRateLimit?: boolean | null };
type CreditsInput = z.output<typeof creditsInput>;

export function bothGiven(input: Record<string, unknown>, a: string, b: string, issue: z.RefinementCtx): void {
  if (input[a] != null && input[b]) issue.addIssue({ code: 'custom', path: [b], message: `Give ${a} or ${b}, not both` });
}

/** The columns a limit input writes (only what it sets). */
export function rateLimitData(input: LimitInput) {
  return {
    ...(input.rateLimit != null && { rateLimitMax: input.rateLimit.limit, rateLimitWindowMs: input.rateLimit.windowMs }),
    ...(input.removeRateLimit && { rateLimitMax: null, rateLimitWindowMs: null }),
    ...(input.namedRateLimits != null && { rateLimits: input.namedRateLimits as unknown as Prisma.InputJsonArray }),
  };
}

/** The key columns credits write; the refill interval counts from now. */
export function keyCreditsData(credits: CreditsInput | null | undefined, remove: boolean, now: Date) {
  if (remove) return { remainingUses: null, refillAmount: null, refillIntervalSeconds: null, lastRefillAt: null };
  if (credits == null) return {};
  return {
    remainingUses: credits.remaining,
    refillAmount: credits.refill?.amount ?? null,
    refillIntervalSeconds: credits.refill?.intervalSeconds ?? null,
    lastRefillAt: now,
  };
}

/** The group columns credits write: what each new key of the group starts with. */
export function groupCreditsData(credits: CreditsInput | null | undefined, remove: boolean) {
  if (remove) return { defaultRemainingUses: null, defaultRefillAmount: null, defaultRefillIntervalSeconds: null };
  if (credits == null) return {};
  return {
    defaultRemainingUses: credits.remaining,
    defaultRefillAmount: credits.refill?.amount ?? null,
    defaultRefillIntervalSeconds: credits.refill?.intervalSeconds ?? null,
  };
}

/** How an audit event shows a row's limits (configuration only: no counters). */
export function limitsAuditView(row: { rateLimitMax: number | null; rateLimitWindowMs: number | null; rateLimits: unknown }) {
  return { rateLimit: defaultLimitOf(row), namedRateLimits: readNamedLimits(row.rateLimits) };
}

// ---------------------------------------------------------------------------------------------
// Reading

type LimitRow = { rateLimitMax: number | null; rateLimitWindowMs: number | null; rateLimits: unknown };

export interface RateLimitStatus {
  name: string;
  level: 'KEY' | 'IDENTITY';
  /** Where the limit is configured. */
  source: 'KEY' | 'GROUP' | 'IDENTITY';
  limit: number;
  windowMs: number;
  remaining: number;
  resetAt: Date | null;
}

/** Every limit a key is subject to and what is left of its current window, without charging. */
export async function keyRateLimitStatus(
  ctx: Context,
  key: LimitRow & { id: string; group: LimitRow | null; identity: (LimitRow & { id: string }) | null },
): Promise<RateLimitStatus[]> {
  const own = { default: defaultLimitOf(key), named: readNamedLimits(key.rateLimits) };
  const limits = compileLimits({
    keyId: key.id,
    key: own,
    group: key.group ? { default: defaultLimitOf(key.group), named: readNamedLimits(key.group.rateLimits) } : null,
    identity: key.identity ? { id: key.identity.id, default: defaultLimitOf(key.identity), named: readNamedLimits(key.identity.rateLimits) } : null,
  });
  const ownNames = new Set([...(own.default ? [DEFAULT_LIMIT_NAME] : []), ...own.named.map((l) => l.name)]);
  return statusOf(ctx, [...limits.values()].flat(), (l) => (l.level === 'IDENTITY' ? 'IDENTITY' : ownNames.has(l.name) ? 'KEY' : 'GROUP'));
}

/** An identity's limits and what is left of each shared window. */
export async function identityRateLimitStatus(ctx: Context, identity: LimitRow & { id: string }): Promise<RateLimitStatus[]> {
  const limits = compileLimits({
    keyId: '',
    key: { default: null, named: [] },
    group: null,
    identity: { id: identity.id, default: defaultLimitOf(identity), named: readNamedLimits(identity.rateLimits) },
  });
  return statusOf(ctx, [...limits.values()].flat(), () => 'IDENTITY');
}

async function statusOf(
  ctx: Context,
  limits: ReturnType<typeof compileLimits> extends Map<string, infer L> ? L : never,
  source: (l: (typeof limits)[number]) => RateLimitStatus['source'],
): Promise<RateLimitStatus[]> {
  const limiter = ctx.app.verification.rateLimiter;
  return Promise.all(limits.map(async (l) => {
    const now = await limiter.peek(l.counter, { max: l.limit, windowMs: l.windowMs });
    return { name: l.name, level: l.level, source: source(l), limit: l.limit, windowMs: l.windowMs, remaining: now.remaining, resetAt: now.resetAt };
  }));
}

export interface CreditsStatus {
  remaining: number;
  refill: { amount: number; intervalSeconds: number } | null;
  nextRefillAt: Date | null;
}

/** A key's usage credits now (a due refill counted as done), or null when it has none. */
export function keyCredits(row: CreditsRow, now: Date): CreditsStatus | null {
  const current = creditsNow(row, now);
  if (current === null) return null;
  const refill = row.refillAmount != null && row.refillIntervalSeconds != null ? { amount: row.refillAmount, intervalSeconds: row.refillIntervalSeconds } : null;
  return { remaining: current.remaining, refill, nextRefillAt: current.nextRefillAt };
}
