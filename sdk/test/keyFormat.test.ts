// The SDK's offline key check, the same module the server parses keys with: keys the server's code
// makes must pass, every kind of damage must be caught, and the CRC-32 written here in plain
// JavaScript must equal zlib's.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { generatePublicId, generateSecret } from '../../server/src/domain/keyFormat.ts';
import { crc32, formatKey, isWellFormedKey, keyChecksum, maskKey, parseKey } from '../src/keyFormat.ts';
import { parseKey as serverParseKey } from '@keywarden/sdk/key-format';

const PREFIXES = ['kw', 'acme', 'zz9', 'abcdefghijkl'];

describe('cross-checked with the server', () => {
  test('every key the server formats is well-formed, with the same parts', () => {
    for (let i = 0; i < 400; i++) {
      const prefix = PREFIXES[i % PREFIXES.length]!;
      const publicId = i % 5 === 0 ? `pk_custom-id_${i}` : generatePublicId();
      const secret = generateSecret();
      const text = formatKey(prefix, publicId, secret);
      const parsed = parseKey(text);
      expect(parsed).toEqual({ ok: true, prefix, publicId, secret, tail: text.slice(-4) });
      expect(isWellFormedKey(text)).toBe(true);
    }
  });

  test('the SDK and the server agree on damaged keys', () => {
    const text = formatKey('acme', generatePublicId(), generateSecret());
    const damaged = [
      text.slice(0, -1),
      text + 'x',
      text.replace('acme_', 'acme-'),
      text.replace('_pk_', '_pq_'),
      'ACME' + text.slice(4),
      '',
      'x'.repeat(201),
      ...Array.from({ length: 60 }, (_, i) => {
        const at = 5 + ((i * 7) % (text.length - 5));
        const replacement = text[at] === 'a' ? 'b' : 'a';
        return text.slice(0, at) + replacement + text.slice(at + 1);
      }),
      // Two neighbouring characters swapped.
      ...Array.from({ length: 30 }, (_, i) => {
        const at = 8 + i;
        return text.slice(0, at) + text[at + 1] + text[at] + text.slice(at + 2);
      }).filter((t) => t !== text),
    ];
    for (const candidate of damaged) {
      const ours = parseKey(candidate);
      const theirs = serverParseKey(candidate);
      expect(ours.ok, candidate).toBe(false);
      expect(theirs.ok, candidate).toBe(false);
      if (!ours.ok && !theirs.ok) expect(ours.problem).toBe(theirs.problem);
    }
  });

  test('CRC-32 equals zlib, for ASCII and for other text', () => {
    const samples = ['', 'a', 'kw_pk_abc', '123456789', 'äöü – ключ – 鍵 – 🔑', 'x'.repeat(1000)];
    for (const s of samples) expect(crc32(s)).toBe(zlibCrc32(s));
    expect(crc32('123456789')).toBe(0xcbf43926); // the standard check value
  });
});

describe('the check', () => {
  test('problems and messages', () => {
    expect(parseKey('')).toMatchObject({ ok: false, problem: 'EMPTY' });
    expect(parseKey('kw_' + 'a'.repeat(300))).toMatchObject({ ok: false, problem: 'TOO_LONG' });
    expect(parseKey('kw_pk_short')).toMatchObject({ ok: false, problem: 'MALFORMED' });
    const good = formatKey('kw', 'pk_abc', generateSecret());
    const bad = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
    expect(parseKey(bad)).toMatchObject({ ok: false, problem: 'BAD_CHECKSUM', message: expect.stringMatching(/checksum/) });
  });

  test('checksum is 6 base62 characters, zero-padded', () => {
    for (let i = 0; i < 50; i++) expect(keyChecksum(`kw_pk_${i}`)).toMatch(/^[0-9A-Za-z]{6}$/);
  });

  test('maskKey shows only the prefix and the last four characters', () => {
    const text = formatKey('acme', generatePublicId(), generateSecret());
    expect(maskKey(text)).toBe(`acme_…${text.slice(-4)}`);
    expect(maskKey('nonsense')).toBe('…');
  });

  test('the key-format module imports nothing: it runs in any JavaScript runtime', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = (await readFile(new URL('../src/keyFormat.ts', import.meta.url), 'utf8')).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).not.toMatch(/\b(Buffer|require|process)\b/);
  });
});
