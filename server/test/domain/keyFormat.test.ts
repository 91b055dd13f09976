import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BASE62_ALPHABET,
  CHECKSUM_LENGTH,
  SECRET_LENGTH,
  encodeBase62,
  formatKey,
  isBase62,
  isValidKeyPrefix,
  isValidPublicId,
  maskedForm,
  parseKey,
} from '@keywarden/sdk/key-format';
import { randomBase62 } from '../../src/domain/base62.ts';
import { basicSecretPart, generatePublicId, generateSecret } from '../../src/domain/keyFormat.ts';

const BASE62_ONLY = /^[0-9A-Za-z]+$/;

function newKey(prefix = 'kw', publicId = generatePublicId()): string {
  return formatKey(prefix, publicId, generateSecret());
}

describe('base62', () => {
  it('encodes fixed-width, left-padded, in ASCII order', () => {
    expect(encodeBase62(0, 6)).toBe('000000');
    expect(encodeBase62(61, 2)).toBe('0z');
    expect(encodeBase62(62, 2)).toBe('10');
    expect(encodeBase62(2 ** 32 - 1, 6)).toBe('4gfFC3');
    expect(() => encodeBase62(62 ** 2, 2)).toThrow(RangeError);
    expect(() => encodeBase62(-1, 6)).toThrow(RangeError);
  });

  it('draws every alphabet character with no obvious bias', () => {
    const sample = randomBase62(62_000);
    const counts = new Map<string, number>();
    for (const char of sample) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(700);
      expect(count).toBeLessThan(1300);
    }
    // Plain `byte % 62` would favour the first 8 chars (5/256 vs 4/256): ~9690 instead of 8000
    // (sd ~90), so these bounds catch modulo bias without flaking.
    const firstEight = [...BASE62_ALPHABET.slice(0, 8)].reduce((sum, char) => sum + (counts.get(char) ?? 0), 0);
    expect(firstEight).toBeGreaterThan(7500);
    expect(firstEight).toBeLessThan(8500);
  });

  it('isBase62 accepts only [0-9A-Za-z]', () => {
    expect(isBase62(BASE62_ALPHABET)).toBe(true);
    for (const bad of ['_', '-', ' ', 'é', '/', '+', '=', '\u0000']) expect(isBase62(`ab${bad}`)).toBe(false);
  });
});

describe('generateSecret', () => {
  it('is 32 base62 chars, and 1000 secrets are all distinct', () => {
    const secrets = Array.from({ length: 1000 }, generateSecret);
    for (const secret of secrets) {
      expect(secret).toHaveLength(SECRET_LENGTH);
      expect(secret).toMatch(BASE62_ONLY);
    }
    expect(new Set(secrets).size).toBe(1000);
    // ~190 bits: 32 * log2(62)
    expect(SECRET_LENGTH * Math.log2(62)).toBeGreaterThan(190);
  });
});

describe('public ids', () => {
  it('generated ones are pk_ + 20 base62 chars and valid', () => {
    const publicId = generatePublicId();
    expect(publicId).toMatch(/^pk_[0-9A-Za-z]{20}$/);
    expect(isValidPublicId(publicId)).toBe(true);
  });

  it.each([
    ['pk_abc', true],
    ['pk_billing-service', true],
    ['pk_prod_eu_1', true],
    ['pk_' + 'a'.repeat(64), true],
    ['pk___-', true],
    ['pk_ab', false], // too short
    ['pk_' + 'a'.repeat(65), false], // too long
    ['pk_', false],
    ['PK_abc', false],
    ['pkabc', false],
    ['xk_abc', false],
    ['pk_ab c', false],
    ['pk_abc.def', false],
    ['pk_abc\n', false],
    ['pk_ábc', false],
    ['', false],
  ])('%j valid=%s', (publicId, valid) => {
    expect(isValidPublicId(publicId)).toBe(valid);
  });
});

describe('key prefixes', () => {
  it.each([
    ['kw', true],
    ['acme', true],
    ['a1', true],
    ['abcdefghijkl', true], // 12
    ['abcdefghijklm', false], // 13
    ['k', false],
    ['1kw', false],
    ['Kw', false],
    ['k_w', false],
    ['k-w', false],
    ['', false],
  ])('%j valid=%s', (prefix, valid) => {
    expect(isValidKeyPrefix(prefix)).toBe(valid);
  });
});

describe('formatKey / parseKey', () => {
  it('round-trips generated keys', () => {
    for (let i = 0; i < 100; i++) {
      const publicId = generatePublicId();
      const secret = generateSecret();
      const text = formatKey('acme', publicId, secret);
      expect(text.startsWith(`acme_${publicId}${secret}`)).toBe(true);
      expect(parseKey(text)).toEqual({ ok: true, prefix: 'acme', publicId, secret, tail: text.slice(-4) });
    }
  });

  it('round-trips chosen public ids, including ones with _ and - and extreme lengths', () => {
    for (const publicId of ['pk_abc', 'pk_billing-service', 'pk_prod_eu_1', 'pk_' + 'Z'.repeat(64), 'pk____']) {
      for (const prefix of ['kw', 'abcdefghijkl']) {
        const secret = generateSecret();
        const parsed = parseKey(formatKey(prefix, publicId, secret));
        expect(parsed).toMatchObject({ ok: true, prefix, publicId, secret });
      }
    }
  });

  it('ends with a 6-char base62 CRC32 of everything before it', () => {
    const text = newKey();
    const checksum = text.slice(-CHECKSUM_LENGTH);
    expect(checksum).toMatch(/^[0-9A-Za-z]{6}$/);
    expect(checksum).toBe(encodeBase62(crc32(text.slice(0, -CHECKSUM_LENGTH)), 6));
  });

  it('keeps the checksum 6 chars even when the CRC is small (left-padded)', () => {
    // Search for a key whose CRC32 encodes to < 6 digits; ~1.6% of CRCs are below 62^5.
    for (let i = 0; i < 5000; i++) {
      const text = newKey();
      if (crc32(text.slice(0, -CHECKSUM_LENGTH)) < 62 ** 5) {
        expect(text.slice(-CHECKSUM_LENGTH).startsWith('0')).toBe(true);
        expect(parseKey(text).ok).toBe(true);
        return;
      }
    }
    throw new Error('no small CRC found in 5000 keys');
  });

  it('generated keys have no characters besides [A-Za-z0-9_] (one double-click word)', () => {
    expect(newKey()).toMatch(/^[A-Za-z0-9_]+$/);
  });

  it('refuses to format invalid parts', () => {
    expect(() => formatKey('K', generatePublicId(), generateSecret())).toThrow(RangeError);
    expect(() => formatKey('kw', 'pk_a', generateSecret())).toThrow(RangeError);
    expect(() => formatKey('kw', generatePublicId(), 'short')).toThrow(RangeError);
    expect(() => formatKey('kw', generatePublicId(), '_'.repeat(32))).toThrow(RangeError);
  });
});

describe('parseKey rejections', () => {
  it('EMPTY', () => {
    expect(parseKey('')).toMatchObject({ ok: false, problem: 'EMPTY' });
  });

  it('TOO_LONG beyond 200 chars, before anything else', () => {
    expect(parseKey('a'.repeat(201))).toMatchObject({ ok: false, problem: 'TOO_LONG' });
    expect(parseKey(newKey() + '_'.repeat(200))).toMatchObject({ ok: false, problem: 'TOO_LONG' });
    // 200 exactly is length-acceptable (and then malformed).
    expect(parseKey('a'.repeat(200))).toMatchObject({ ok: false, problem: 'MALFORMED' });
  });

  it.each([
    ['no underscore', 'kw' + 'a'.repeat(60)],
    ['underscore beyond a 12-char prefix', 'abcdefghijklm_pk_abc' + 'a'.repeat(38)],
    ['invalid prefix', 'Kw_pk_abc' + 'a'.repeat(38)],
    ['one-char prefix', 'k_pk_abcd' + 'a'.repeat(38)],
    ['body one char short', 'kw_pk_ab' + 'a'.repeat(38)],
    ['public id without pk_', 'kw_xx_abc' + 'a'.repeat(38)],
    ['public id too long', 'kw_pk_' + 'a'.repeat(65) + 'a'.repeat(38)],
    ['non-base62 secret', 'kw_pk_abc' + '-'.repeat(32) + 'aaaaaa'],
    ['non-base62 checksum', 'kw_pk_abc' + 'a'.repeat(32) + 'aaaaa-'],
    ['whitespace', ' ' + 'kw_pk_abc' + 'a'.repeat(38)],
  ])('MALFORMED: %s', (_label, text) => {
    expect(parseKey(text)).toMatchObject({ ok: false, problem: 'MALFORMED' });
  });

  it('MALFORMED for a truncated key', () => {
    const text = newKey();
    expect(parseKey(text.slice(0, 20))).toMatchObject({ ok: false, problem: 'MALFORMED' });
  });

  it('BAD_CHECKSUM for a well-shaped key with a wrong checksum', () => {
    const text = newKey();
    const wrong = text.slice(0, -1) + (text.endsWith('0') ? '1' : '0');
    expect(parseKey(wrong)).toMatchObject({ ok: false, problem: 'BAD_CHECKSUM' });
  });

  it('every single-character substitution of a valid key is rejected', () => {
    const replacements = BASE62_ALPHABET + '_-.~ ';
    for (const text of [newKey(), newKey('acme', 'pk_billing-service')]) {
      const seenReasons = new Set<string>();
      for (let i = 0; i < text.length; i++) {
        for (const replacement of replacements) {
          if (replacement === text[i]) continue;
          const mutated = text.slice(0, i) + replacement + text.slice(i + 1);
          const result = parseKey(mutated);
          // Plain checks in the loop: ~8000 expect() calls would dominate the run time.
          if (result.ok) throw new Error(`mutation at ${i} to ${replacement} parsed: ${mutated}`);
          seenReasons.add(result.problem);
        }
      }
      expect(seenReasons).toEqual(new Set(['BAD_CHECKSUM', 'MALFORMED']));
    }
  });

  it('swapping two adjacent distinct characters is rejected', () => {
    const text = newKey();
    for (let i = 0; i + 1 < text.length; i++) {
      if (text[i] === text[i + 1]) continue;
      const swapped = text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
      expect(parseKey(swapped).ok).toBe(false);
    }
  });

  it('parses 100k keys quickly', () => {
    const text = newKey();
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) parseKey(text);
    // ~1 µs each in practice; a generous bound that still catches pathological slowness.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('basicSecretPart', () => {
  it('takes the 32 secret characters, or the full text of the same key, and nothing else', () => {
    const publicId = generatePublicId();
    const secret = generateSecret();
    const text = formatKey('kw', publicId, secret);
    expect(basicSecretPart(publicId, secret)).toBe(secret);
    expect(basicSecretPart(publicId, text)).toBe(secret);
    // Another key's text, even one with the same secret characters, is not this key's secret.
    expect(basicSecretPart(publicId, formatKey('kw', generatePublicId(), secret))).toBeNull();
    expect(basicSecretPart(publicId, text.slice(0, -1) + (text.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(basicSecretPart(publicId, secret.slice(1))).toBeNull();
    expect(basicSecretPart(publicId, '_'.repeat(SECRET_LENGTH))).toBeNull();
    expect(basicSecretPart(publicId, '')).toBeNull();
  });
});

describe('maskedForm', () => {
  it('shows only the prefix and the last four characters', () => {
    expect(maskedForm('kw', 'AbCd')).toBe('kw_…AbCd');
    const text = newKey('acme');
    const parsed = parseKey(text);
    if (!parsed.ok) throw new Error('expected ok');
    const masked = maskedForm(parsed.prefix, parsed.tail);
    expect(masked).toBe(`acme_…${text.slice(-4)}`);
    expect(masked).not.toContain(parsed.secret.slice(0, 8));
    expect(masked).not.toContain(parsed.publicId);
  });
});
