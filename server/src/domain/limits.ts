// Rate limits and usage credits as stored and as a verification charges them: pure, no I/O.

/** The name verify uses for the unnamed limit (the columns rateLimitMax / rateLimitWindowMs). */
export const DEFAULT_LIMIT_NAME = 'default';

export const LIMIT_BOUNDS = {
  maxLimit: 10_000_000,
  minWindowMs: 1_000,
  /** Seven days: windows are kept in milliseconds in a 32-bit column. */
  maxWindowMs: 7 * 86_400_000,
  maxNamedLimits: 16,
  maxCredits: 1_000_000_000,
  minRefillIntervalSeconds: 60,
  maxRefillIntervalSeconds: 366 * 86_400,
  maxCost: 10_000,
  maxChargedLimits: 8,
} as const;

/** Letters, digits, `_ . : -`, starting with a letter, at most 64 characters. */
export const LIMIT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

export interface RateLimitConfig {
  limit: number;
  windowMs: number;
}

export interface NamedRateLimit extends RateLimitConfig {
  name: string;
}

/** A stored JSON list of named limits, read defensively (anything malformed is left out). */
export function readNamedLimits(json: unknown): NamedRateLimit[] {
  if (!Array.isArray(json)) return [];
  return json.filter(
    (item): item is NamedRateLimit =>
      typeof item === 'object' && item !== null &&
      typeof item.name === 'string' && Number.isInteger(item.limit) && item.limit > 0 && Number.isInteger(item.windowMs) && item.windowMs > 0,
  ).map(({ name, limit, windowMs }) => ({ name, limit, windowMs }));
}

/** The unnamed limit of a row, or null. */
export function defaultLimitOf(row: { rateLimitMax: number | null; rateLimitWindowMs: number | null }): RateLimitConfig | null {
  return row.rateLimitMax != null && row.rateLimitWindowMs != null ? { limit: row.rateLimitMax, windowMs: row.rateLimitWindowMs } : null;
}

/**
 * One counter a verification may charge: the key's own (counted per key, from the key or else its
 * group) or its identity's (counted once for all the identity's keys).
 */
export interface ChargeableLimit extends RateLimitConfig {
  name: string;
  level: 'KEY' | 'IDENTITY';
  /** Names the counter; the limit and window are part of it, so changing them starts a fresh window. */
  counter: string;
}

/**
 * Every limit a key is subject to, by name (`default` for the unnamed one): the key's named limits,
 * else its group's of the same name; plus its identity's, charged together with the key's.
 */
export function compileLimits(input: {
  keyId: string;
  key: { default: RateLimitConfig | null; named: NamedRateLimit[] };
  group: { default: RateLimitConfig | null; named: NamedRateLimit[] } | null;
  identity: { id: string; default: RateLimitConfig | null; named: NamedRateLimit[] } | null;
}): Map<string, ChargeableLimit[]> {
  const limits = new Map<string, ChargeableLimit[]>();
  const add = (name: string, config: RateLimitConfig, level: ChargeableLimit['level'], owner: string) => {
    const list = limits.get(name) ?? [];
    const counter = `${owner}:${name === DEFAULT_LIMIT_NAME ? '' : `n:${name}:`}${config.limit}:${config.windowMs}`;
    list.push({ name, level, limit: config.limit, windowMs: config.windowMs, counter });
    limits.set(name, list);
  };
  const keyDefault = input.key.default ?? input.group?.default ?? null;
  if (keyDefault) add(DEFAULT_LIMIT_NAME, keyDefault, 'KEY', input.keyId);
  const keyNamed = new Map((input.group?.named ?? []).map((l) => [l.name, l]));
  for (const l of input.key.named) keyNamed.set(l.name, l);
  for (const l of keyNamed.values()) add(l.name, l, 'KEY', input.keyId);
  if (input.identity) {
    const owner = `i:${input.identity.id}`;
    if (input.identity.default) add(DEFAULT_LIMIT_NAME, input.identity.default, 'IDENTITY', owner);
    for (const l of input.identity.named) add(l.name, l, 'IDENTITY', owner);
  }
  return limits;
}

/** What a verification asks to charge: named limits with a cost each, and a credit cost. */
export interface ChargeRequest {
  /** null: the key's `default` limit(s) at cost 1, as when nothing is named. */
  rateLimits: { name: string; cost: number }[] | null;
  creditCost: number;
}

export const DEFAULT_CHARGE: ChargeRequest = { rateLimits: null, creditCost: 1 };

/**
 * The counters to charge for a request, or the first name the key has no limit for. Without names,
 * the `default` limits (none: nothing is charged).
 */
export function limitsToCharge(
  limits: Map<string, ChargeableLimit[]>,
  requested: ChargeRequest['rateLimits'],
): { ok: true; charges: { limit: ChargeableLimit; cost: number }[] } | { ok: false; unknown: string } {
  if (requested === null) return { ok: true, charges: (limits.get(DEFAULT_LIMIT_NAME) ?? []).map((limit) => ({ limit, cost: 1 })) };
  const charges: { limit: ChargeableLimit; cost: number }[] = [];
  for (const { name, cost } of requested) {
    const found = limits.get(name);
    if (found === undefined) return { ok: false, unknown: name };
    for (const limit of found) charges.push({ limit, cost });
  }
  return { ok: true, charges };
}

export interface CreditsRow {
  remainingUses: number | null;
  refillAmount: number | null;
  refillIntervalSeconds: number | null;
  lastRefillAt: Date | null;
  createdAt: Date;
}

/** The credits a key has right now (a due refill counted as done) and when the next refill is due. */
export function creditsNow(row: CreditsRow, now: Date): { remaining: number; nextRefillAt: Date | null } | null {
  if (row.remainingUses === null) return null;
  if (row.refillAmount === null || row.refillIntervalSeconds === null || row.refillAmount <= 0) {
    return { remaining: row.remainingUses, nextRefillAt: null };
  }
  const intervalMs = row.refillIntervalSeconds * 1000;
  const last = (row.lastRefillAt ?? row.createdAt).getTime();
  const due = last + intervalMs;
  if (due <= now.getTime()) return { remaining: row.refillAmount, nextRefillAt: new Date(now.getTime() + intervalMs) };
  return { remaining: row.remainingUses, nextRefillAt: new Date(due) };
}
