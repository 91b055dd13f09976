import { builder } from '../builder.ts';
import { LIMIT_BOUNDS as B } from '../domain/limits.ts';
import type { CreditsStatus, RateLimitStatus } from '../services/limits.ts';

// Rate limits and usage credits as keys, groups and identities take and show them.

export const RateLimitInputRef = builder.inputType('RateLimitInput', {
  description: `At most \`limit\` requests (1-${B.maxLimit}) per window of \`windowMs\` milliseconds (${B.minWindowMs}-${B.maxWindowMs}, 7 days).`,
  fields: (t) => ({
    limit: t.int({ required: true }),
    windowMs: t.int({ required: true }),
  }),
});

export const NamedRateLimitInputRef = builder.inputType('NamedRateLimitInput', {
  description: 'A limit that verify charges when asked by name, e.g. `exports` 10 per hour. Name: a letter then up to 63 letters, digits, `_ . : -`; not `default`.',
  fields: (t) => ({
    name: t.string({ required: true }),
    limit: t.int({ required: true }),
    windowMs: t.int({ required: true }),
  }),
});

const CreditsRefillInputRef = builder.inputType('CreditsRefillInput', {
  description: `Every \`intervalSeconds\` (${B.minRefillIntervalSeconds}-${B.maxRefillIntervalSeconds}) the credits are set back to \`amount\`.`,
  fields: (t) => ({
    amount: t.int({ required: true }),
    intervalSeconds: t.int({ required: true }),
  }),
});

export const CreditsInputRef = builder.inputType('CreditsInput', {
  description: 'Usage credits: each VALID verification spends its cost (default 1); none left is USAGE_EXCEEDED.',
  fields: (t) => ({
    remaining: t.int({ required: true, description: `0-${B.maxCredits}.` }),
    refill: t.field({ type: CreditsRefillInputRef, required: false }),
  }),
});

export const RateLimitRef = builder.objectRef<{ limit: number; windowMs: number }>('RateLimit').implement({
  fields: (t) => ({ limit: t.exposeInt('limit'), windowMs: t.exposeInt('windowMs') }),
});

export const NamedRateLimitRef = builder.objectRef<{ name: string; limit: number; windowMs: number }>('NamedRateLimit').implement({
  fields: (t) => ({ name: t.exposeString('name'), limit: t.exposeInt('limit'), windowMs: t.exposeInt('windowMs') }),
});

const RateLimitSourceEnum = builder.enumType('RateLimitSource', { values: ['KEY', 'GROUP', 'IDENTITY'] as const });
const RateLimitLevelRef = builder.enumType('RateLimitCounting', {
  values: ['KEY', 'IDENTITY'] as const,
  description: "KEY: counted for each key alone. IDENTITY: counted once for all the keys of an identity.",
});

export const RateLimitStatusRef = builder.objectRef<RateLimitStatus>('RateLimitStatus').implement({
  description: "A limit in force and what is left of its current window (with Redis: across every instance; without: this instance's count).",
  fields: (t) => ({
    name: t.exposeString('name', { description: '`default` for the unnamed limit.' }),
    counting: t.field({ type: RateLimitLevelRef, resolve: (s) => s.level }),
    source: t.expose('source', { type: RateLimitSourceEnum, description: 'Where it is configured.' }),
    limit: t.exposeInt('limit'),
    windowMs: t.exposeInt('windowMs'),
    remaining: t.exposeInt('remaining', { description: 'Requests left in the current window (the whole limit when no window runs).' }),
    resetAt: t.expose('resetAt', { type: 'DateTime', nullable: true, description: 'When the current window ends; null when none runs.' }),
  }),
});

const CreditsRefillRef = builder.objectRef<{ amount: number; intervalSeconds: number }>('CreditsRefill').implement({
  fields: (t) => ({ amount: t.exposeInt('amount'), intervalSeconds: t.exposeInt('intervalSeconds') }),
});

export const CreditsRef = builder.objectRef<CreditsStatus>('Credits').implement({
  fields: (t) => ({
    remaining: t.exposeInt('remaining', { description: 'Credits left now (a due refill counted as done).' }),
    refill: t.expose('refill', { type: CreditsRefillRef, nullable: true }),
    nextRefillAt: t.expose('nextRefillAt', { type: 'DateTime', nullable: true }),
  }),
});

export const GroupCreditsRef = builder.objectRef<{ remaining: number; refill: { amount: number; intervalSeconds: number } | null }>('GroupCredits').implement({
  description: 'The credits each new key of the group starts with when it is given none.',
  fields: (t) => ({
    remaining: t.exposeInt('remaining'),
    refill: t.expose('refill', { type: CreditsRefillRef, nullable: true }),
  }),
});
