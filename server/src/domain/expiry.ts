/**
 * Key expiry: a preset (`expiresIn`) or a date (`expiresAt`), capped by the tenant's maximum key
 * lifetime.
 *
 * Decisions:
 * - Expiry is kept to whole seconds (milliseconds are truncated, which can only shorten a
 *   lifetime) so that stored dates, token `exp` claims and `isExpired` agree.
 * - A preset or date beyond the tenant maximum is an error, not silently clamped: the caller asked
 *   for something the tenant does not allow. With neither given, a tenant maximum becomes the
 *   expiry (now + maximum); without a maximum the key never expires.
 * - An empty preset string is an unknown preset, not "no preset".
 */

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Preset → lifetime in seconds. */
export const EXPIRY_PRESETS = {
  '1h': 3_600,
  '12h': 43_200,
  '1d': 86_400,
  '5d': 432_000,
  '1y': 31_536_000, // 365 days
} as const satisfies Record<string, number>;

export type ExpiryPreset = keyof typeof EXPIRY_PRESETS;

export function isExpiryPreset(value: string): value is ExpiryPreset {
  return Object.hasOwn(EXPIRY_PRESETS, value);
}

export type ExpiryResult =
  | { ok: true; expiresAt: Date | null }
  | { ok: false; field: 'expiresIn' | 'expiresAt'; message: string };

function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** "30 days", "12 hours", "90 minutes", "1 second": the largest unit that divides exactly. */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  const [size, unit] = units.find(([size]) => seconds % size === 0 && seconds >= size) ?? [1, 'second'];
  const count = seconds / size;
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

export function resolveExpiry(input: {
  preset?: string | null;
  at?: Date | null;
  now: Date;
  maxLifetimeSeconds: number | null;
}): ExpiryResult {
  const { preset, at, now, maxLifetimeSeconds } = input;
  const hasPreset = preset !== undefined && preset !== null;
  const hasAt = at !== undefined && at !== null;
  const nowSeconds = wholeSeconds(now);
  const latest = maxLifetimeSeconds === null ? null : nowSeconds + maxLifetimeSeconds;
  const tooLate = (field: 'expiresIn' | 'expiresAt'): ExpiryResult => ({
    ok: false,
    field,
    message: `${field} must be at most ${formatDuration(maxLifetimeSeconds ?? 0)} from now (the tenant's maximum key lifetime)`,
  });

  if (hasPreset && hasAt) {
    return { ok: false, field: 'expiresAt', message: 'Give either expiresIn or expiresAt, not both' };
  }

  if (hasPreset) {
    if (!isExpiryPreset(preset)) {
      return {
        ok: false,
        field: 'expiresIn',
        message: `Unknown expiry preset "${preset}": use one of ${Object.keys(EXPIRY_PRESETS).join(', ')}`,
      };
    }
    const expires = nowSeconds + EXPIRY_PRESETS[preset];
    if (latest !== null && expires > latest) return tooLate('expiresIn');
    return { ok: true, expiresAt: new Date(expires * 1000) };
  }

  if (hasAt) {
    if (Number.isNaN(at.getTime())) return { ok: false, field: 'expiresAt', message: 'expiresAt must be a valid date' };
    const expires = wholeSeconds(at);
    if (expires <= nowSeconds) return { ok: false, field: 'expiresAt', message: 'expiresAt must be in the future' };
    if (latest !== null && expires > latest) return tooLate('expiresAt');
    return { ok: true, expiresAt: new Date(expires * 1000) };
  }

  return { ok: true, expiresAt: latest === null ? null : new Date(latest * 1000) };
}

/** The first instant (epoch ms) at which `isExpired` holds for `expiresAt`. */
export function expiryInstant(expiresAt: Date): number {
  return wholeSeconds(expiresAt) * 1000;
}

/** True when `expiresAt` has been reached, compared to the second; null never expires. */
export function isExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && wholeSeconds(expiresAt) <= wholeSeconds(now);
}
