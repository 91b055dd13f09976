import { randomBytes } from 'node:crypto';

// ASCII order, so encoded numbers of equal width sort like the numbers themselves.
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

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

/** Encodes a non-negative safe integer as exactly `width` base62 digits, left-padded with '0'. */
export function encodeBase62(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`encodeBase62: ${value} is not a non-negative safe integer`);
  }
  let digits = '';
  let rest = value;
  do {
    digits = BASE62_ALPHABET.charAt(rest % 62) + digits;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  if (digits.length > width) {
    throw new RangeError(`encodeBase62: ${value} does not fit in ${width} digits`);
  }
  return digits.padStart(width, '0');
}

/** True when every character is in [0-9A-Za-z] (true for ''). A char-code loop: no regex cost on the hot path. */
export function isBase62(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const isDigit = code >= 48 && code <= 57;
    const isUpper = code >= 65 && code <= 90;
    const isLower = code >= 97 && code <= 122;
    if (!isDigit && !isUpper && !isLower) return false;
  }
  return true;
}
