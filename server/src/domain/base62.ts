import { randomBytes } from 'node:crypto';
import { BASE62_ALPHABET } from '@keywarden/sdk/key-format';

// 248 = 4 * 62: bytes at or above it are rejected, so `byte % 62` has no modulo bias.
const UNBIASED_BYTE_LIMIT = 248;

/** `length` characters drawn uniformly from the base62 alphabet with a CSPRNG. */
export function randomBase62(length: number): string {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`randomBase62: invalid length ${length}`);
  }
  let out = '';
  while (out.length < length) {
    // Over-draw a little: 3% of bytes are rejected, so one batch nearly always suffices.
    const bytes = randomBytes(length - out.length + 8);
    for (const byte of bytes) {
      if (byte >= UNBIASED_BYTE_LIMIT) continue;
      out += BASE62_ALPHABET.charAt(byte % 62);
      if (out.length === length) break;
    }
  }
  return out;
}
