import { describe, expect, it } from 'vitest';
import {
  EXPIRY_PRESETS,
  formatDuration,
  isExpired,
  resolveExpiry,
  systemClock,
  type ExpiryResult,
} from '../../src/domain/expiry.ts';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const NOW_WITH_MS = new Date('2025-03-01T12:00:00.750Z');
const DAY = 86_400;
const at = (iso: string) => new Date(iso);
const ok = (iso: string | null): ExpiryResult => ({ ok: true, expiresAt: iso === null ? null : new Date(iso) });

describe('EXPIRY_PRESETS', () => {
  it('maps presets to seconds', () => {
    expect(EXPIRY_PRESETS).toEqual({ '1h': 3600, '12h': 43_200, '1d': DAY, '5d': 5 * DAY, '1y': 365 * DAY });
  });
});

describe('resolveExpiry', () => {
  it.each<[string, Parameters<typeof resolveExpiry>[0], ExpiryResult]>([
    ['nothing, no maximum → never expires', { now: NOW, maxLifetimeSeconds: null }, ok(null)],
    ['nulls, no maximum → never expires', { preset: null, at: null, now: NOW, maxLifetimeSeconds: null }, ok(null)],
    ['nothing, tenant maximum → now + maximum', { now: NOW, maxLifetimeSeconds: 30 * DAY }, ok('2025-03-31T12:00:00.000Z')],
    ['preset 1h', { preset: '1h', now: NOW, maxLifetimeSeconds: null }, ok('2025-03-01T13:00:00.000Z')],
    ['preset 12h', { preset: '12h', now: NOW, maxLifetimeSeconds: null }, ok('2025-03-02T00:00:00.000Z')],
    ['preset 1d', { preset: '1d', now: NOW, maxLifetimeSeconds: null }, ok('2025-03-02T12:00:00.000Z')],
    ['preset 5d', { preset: '5d', now: NOW, maxLifetimeSeconds: null }, ok('2025-03-06T12:00:00.000Z')],
    ['preset 1y is 365 days', { preset: '1y', now: NOW, maxLifetimeSeconds: null }, ok('2026-03-01T12:00:00.000Z')],
    ['preset 1y over a leap day', { preset: '1y', now: at('2024-01-01T00:00:00Z'), maxLifetimeSeconds: null }, ok('2024-12-31T00:00:00.000Z')],
    ['preset truncates to the second', { preset: '1h', now: NOW_WITH_MS, maxLifetimeSeconds: null }, ok('2025-03-01T13:00:00.000Z')],
    ['preset equal to the maximum', { preset: '5d', now: NOW, maxLifetimeSeconds: 5 * DAY }, ok('2025-03-06T12:00:00.000Z')],
    ['preset beyond the maximum', { preset: '1y', now: NOW, maxLifetimeSeconds: 30 * DAY },
      { ok: false, field: 'expiresIn', message: "expiresIn must be at most 30 days from now (the tenant's maximum key lifetime)" }],
    ['unknown preset', { preset: '2w', now: NOW, maxLifetimeSeconds: null },
      { ok: false, field: 'expiresIn', message: 'Unknown expiry preset "2w": use one of 1h, 12h, 1d, 5d, 1y' }],
    ['empty preset', { preset: '', now: NOW, maxLifetimeSeconds: null },
      { ok: false, field: 'expiresIn', message: 'Unknown expiry preset "": use one of 1h, 12h, 1d, 5d, 1y' }],
    ['preset names are exact', { preset: '1H', now: NOW, maxLifetimeSeconds: null },
      { ok: false, field: 'expiresIn', message: 'Unknown expiry preset "1H": use one of 1h, 12h, 1d, 5d, 1y' }],
    ['inherited property is not a preset', { preset: 'toString', now: NOW, maxLifetimeSeconds: null },
      { ok: false, field: 'expiresIn', message: 'Unknown expiry preset "toString": use one of 1h, 12h, 1d, 5d, 1y' }],
    ['date in the future', { at: at('2025-06-01T00:00:00Z'), now: NOW, maxLifetimeSeconds: null }, ok('2025-06-01T00:00:00.000Z')],
    ['date one second ahead', { at: at('2025-03-01T12:00:01Z'), now: NOW, maxLifetimeSeconds: null }, ok('2025-03-01T12:00:01.000Z')],
    ['date truncated to the second', { at: at('2025-06-01T00:00:00.999Z'), now: NOW, maxLifetimeSeconds: null }, ok('2025-06-01T00:00:00.000Z')],
    ['date equal to now', { at: NOW, now: NOW, maxLifetimeSeconds: null },
      { ok: false, field: 'expiresAt', message: 'expiresAt must be in the future' }],
    ['date within the current second', { at: at('2025-03-01T12:00:00.900Z'), now: NOW_WITH_MS, maxLifetimeSeconds: null },
      { ok: false, field: 'expiresAt', message: 'expiresAt must be in the future' }],
    ['date in the past', { at: at('2020-01-01T00:00:00Z'), now: NOW, maxLifetimeSeconds: null },
      { ok: false, field: 'expiresAt', message: 'expiresAt must be in the future' }],
    ['invalid date', { at: new Date('nope'), now: NOW, maxLifetimeSeconds: null },
      { ok: false, field: 'expiresAt', message: 'expiresAt must be a valid date' }],
    ['date exactly at the maximum', { at: at('2025-03-31T12:00:00Z'), now: NOW, maxLifetimeSeconds: 30 * DAY }, ok('2025-03-31T12:00:00.000Z')],
    ['date one second beyond the maximum', { at: at('2025-03-31T12:00:01Z'), now: NOW, maxLifetimeSeconds: 30 * DAY },
      { ok: false, field: 'expiresAt', message: "expiresAt must be at most 30 days from now (the tenant's maximum key lifetime)" }],
    ['maximum in hours', { at: at('2025-03-02T12:00:00Z'), now: NOW, maxLifetimeSeconds: 12 * 3600 },
      { ok: false, field: 'expiresAt', message: "expiresAt must be at most 12 hours from now (the tenant's maximum key lifetime)" }],
    ['both given', { preset: '1h', at: at('2025-06-01T00:00:00Z'), now: NOW, maxLifetimeSeconds: null },
      { ok: false, field: 'expiresAt', message: 'Give either expiresIn or expiresAt, not both' }],
  ])('%s', (_name, input, expected) => {
    expect(resolveExpiry(input)).toEqual(expected);
  });
});

describe('isExpired', () => {
  it.each<[string | null, string, boolean]>([
    [null, '2999-01-01T00:00:00Z', false],
    ['2025-03-01T12:00:01Z', '2025-03-01T12:00:00Z', false],
    ['2025-03-01T12:00:00Z', '2025-03-01T12:00:00Z', true],
    ['2025-03-01T11:59:59Z', '2025-03-01T12:00:00Z', true],
    ['2025-03-01T12:00:00.900Z', '2025-03-01T12:00:00.100Z', true], // same second
    ['2025-03-01T12:00:01.000Z', '2025-03-01T12:00:00.999Z', false],
  ])('expiresAt %s at %s → %s', (expiresAt, now, expected) => {
    expect(isExpired(expiresAt === null ? null : new Date(expiresAt), new Date(now))).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [DAY, '1 day'],
    [30 * DAY, '30 days'],
    [365 * DAY, '365 days'],
    [3600, '1 hour'],
    [36 * 3600, '36 hours'],
    [90 * 60, '90 minutes'],
    [61, '61 seconds'],
    [1, '1 second'],
  ])('%i s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('systemClock', () => {
  it('returns the current time', () => {
    const before = Date.now();
    const now = systemClock().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
