import { describe, expect, it } from 'vitest';
import { parseDateTime } from '../../src/domain/dateTime.ts';
import { jsonProblem, textProblem } from '../../src/inputSafety.ts';

describe('parseDateTime (RFC 3339, real calendar dates, years 1970-9999)', () => {
  it.each([
    ['2030-02-30T00:00:00Z', 'must be a real calendar date'],
    ['2029-02-29T00:00:00Z', 'must be a real calendar date'],
    ['2030-04-31T12:00:00Z', 'must be a real calendar date'],
    ['2030-13-01T00:00:00Z', 'must be a real calendar date'],
    ['0000-01-01T00:00:00Z', 'must be in the years 1970-9999'],
    ['1969-12-31T23:59:59Z', 'must be in the years 1970-9999'],
    ['2030-01-01T24:00:00Z', 'must be a real time of day'],
    ['2030-01-01T00:00:60Z', 'must be a real time of day'],
    ['2030-01-01T00:00:00+24:00', 'must have a valid offset'],
    ['2030-01-01T00:00:00Z\0', 'must be an RFC 3339 date-time, e.g. 2026-11-23T10:00:00Z'],
    ['2030-01-01', 'must be an RFC 3339 date-time, e.g. 2026-11-23T10:00:00Z'],
    ['2030-01-01T00:00:00', 'must be an RFC 3339 date-time, e.g. 2026-11-23T10:00:00Z'],
  ])('refuses %j: %s', (text, message) => {
    expect(parseDateTime(text)).toEqual({ ok: false, message });
  });

  it.each([
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['2000-02-29T23:59:59.999Z', '2000-02-29T23:59:59.999Z'],
    ['2030-06-01T12:00:00+02:00', '2030-06-01T10:00:00.000Z'],
    ['1970-01-01t00:00:00z', '1970-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('accepts %j as %s', (text, iso) => {
    const parsed = parseDateTime(text);
    expect(parsed.ok && parsed.date.toISOString()).toBe(iso);
  });
});

describe('textProblem', () => {
  it('refuses NUL, lone surrogates of either half, and over-long text; accepts pairs and ordinary text', () => {
    expect(textProblem('a\0b', 10)).toBe('must not contain a NUL character');
    expect(textProblem('a\ud800', 10)).toMatch(/lone surrogate/);
    expect(textProblem('\udc00a', 10)).toMatch(/lone surrogate/);
    expect(textProblem('aaaa', 3)).toBe('must be at most 3 characters');
    expect(textProblem('emoji \ud83d\udd11 ok', 20)).toBeNull();
  });
});

describe('jsonProblem', () => {
  function nested(depth: number): unknown {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  }
  it('allows 32 levels and refuses 33, without recursion however deep', () => {
    expect(jsonProblem(nested(32))).toBeNull();
    expect(jsonProblem(nested(33))).toBe('must be nested at most 32 levels deep');
    expect(jsonProblem(nested(100_000))).toBe('must be nested at most 32 levels deep');
  });
  it('checks keys and strings at any depth', () => {
    expect(jsonProblem({ a: [{ 'k\0': 1 }] })).toBe('a key must not contain a NUL character');
    expect(jsonProblem({ a: ['\ud800'] })).toMatch(/^a string must be valid Unicode/);
    expect(jsonProblem({ plan: 'pro', seats: 3, tags: ['x'], on: true, none: null })).toBeNull();
  });
});
