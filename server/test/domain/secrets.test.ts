import { describe, expect, it } from 'vitest';
import {
  OWASP_MIN_ARGON2,
  generateOpaqueToken,
  hashSecret,
  hmacSha256Hex,
  secretNeedsRehash,
  sha256Hex,
  verifySecret,
} from '../../src/domain/secrets.ts';

describe('argon2id secrets', () => {
  // One hash shared by the tests below keeps this file fast (~30 ms per hash).
  const secret = 'Zt8q1rW0yPp4nS3kLx9aBc7dEf2gHj6M';
  const hashed = hashSecret(secret, OWASP_MIN_ARGON2);

  it('produces an argon2id v19 PHC string with the given parameters', async () => {
    expect(await hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  });

  it('salts: the same secret hashes differently twice', async () => {
    expect(await hashSecret(secret, OWASP_MIN_ARGON2)).not.toBe(await hashed);
  });

  it('verifies the right secret and rejects others', async () => {
    const stored = await hashed;
    expect(await verifySecret(stored, secret)).toBe(true);
    expect(await verifySecret(stored, secret.slice(0, -1) + 'X')).toBe(false);
    expect(await verifySecret(stored, '')).toBe(false);
  });

  it('returns false, never throws, on malformed hashes', async () => {
    const stored = await hashed;
    for (const malformed of ['', 'not a hash', '$argon2id$', '$argon2id$v=19$m=19456,t=2,p=1$', stored.slice(0, -10) + '!!!!', '$bcrypt$xyz']) {
      await expect(verifySecret(malformed, secret)).resolves.toBe(false);
    }
  });

  it('needs a rehash when parameters change, not when they match', async () => {
    const stored = await hashed;
    expect(secretNeedsRehash(stored, OWASP_MIN_ARGON2)).toBe(false);
    expect(secretNeedsRehash(stored, { ...OWASP_MIN_ARGON2, memoryCost: 65536 })).toBe(true);
    expect(secretNeedsRehash(stored, { ...OWASP_MIN_ARGON2, timeCost: 3 })).toBe(true);
    expect(secretNeedsRehash(stored, { ...OWASP_MIN_ARGON2, parallelism: 2 })).toBe(true);
    expect(secretNeedsRehash('garbage', OWASP_MIN_ARGON2)).toBe(true);
    expect(secretNeedsRehash(stored.replace('$argon2id$', '$argon2i$'), OWASP_MIN_ARGON2)).toBe(true);
  });
});

describe('digests', () => {
  it('sha256Hex matches the known vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hmacSha256Hex matches RFC 4231 test case 2, for string and Buffer keys', () => {
    const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe(expected);
    expect(hmacSha256Hex(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe(expected);
    expect(hmacSha256Hex('other', 'what do ya want for nothing?')).not.toBe(expected);
  });

});

describe('generateOpaqueToken', () => {
  it('is <prefix>_ + 43 base62 chars (>= 256 bits), all distinct', () => {
    const tokens = Array.from({ length: 1000 }, () => generateOpaqueToken('kws'));
    for (const token of tokens) expect(token).toMatch(/^kws_[0-9A-Za-z]{43}$/);
    expect(new Set(tokens).size).toBe(1000);
    expect(43 * Math.log2(62)).toBeGreaterThanOrEqual(256);
    expect(generateOpaqueToken('kwt')).toMatch(/^kwt_[0-9A-Za-z]{43}$/);
    expect(generateOpaqueToken('kwp')).toHaveLength(47);
  });

  it('rejects prefixes that would make the token ambiguous', () => {
    for (const prefix of ['', 'k_w', 'KWS', '1kw']) expect(() => generateOpaqueToken(prefix)).toThrow(RangeError);
  });
});
