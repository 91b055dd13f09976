// The key format, `<prefix>_<publicId><secret><checksum>`: the one definition, used by the SDK and by
// the server (which imports `@keywarden/sdk/key-format` and adds only what needs Node: generating
// secrets). No imports and no Node built-ins (no node:zlib, no Buffer), so it runs in any JavaScript
// runtime and can be imported on its own.
//
// - prefix: chosen per tenant, `/^[a-z][a-z0-9]{1,11}$/`; never contains `_`. It says where the key
//   belongs (and helps secret scanners).
// - publicId: `pk_` + 3-64 of `[A-Za-z0-9_-]`; looks up the key record; generated or chosen.
// - secret: 32 base62 characters (~190 bits); the server stores only its argon2id hash.
// - checksum: CRC-32 (IEEE, as zlib) of everything before it, base62-encoded and left-padded with
//   '0' to 6 characters; alphabet `0-9A-Za-z`. Typos and truncations are caught offline, before
//   any database lookup or argon2.

export const KEY_PREFIX_PATTERN = /^[a-z][a-z0-9]{1,11}$/;
export const PUBLIC_ID_PATTERN = /^pk_[A-Za-z0-9_-]{3,64}$/;
export const SECRET_LENGTH = 32;
export const CHECKSUM_LENGTH = 6; // 62^6 > 2^32 > 62^5
export const MAX_KEY_TEXT_LENGTH = 200;
/** With the prefix, the only part of a key ever shown again. */
export const DISPLAY_TAIL_LENGTH = 4;

// ASCII order, so encoded numbers of equal width sort like the numbers themselves.
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const MIN_PREFIX_LENGTH = 2;
const MAX_PREFIX_LENGTH = 12;
const MIN_BODY_LENGTH = 'pk_'.length + 3 + SECRET_LENGTH + CHECKSUM_LENGTH;
const MIN_KEY_TEXT_LENGTH = MIN_PREFIX_LENGTH + 1 + MIN_BODY_LENGTH;

/** Why a text is not a well-formed key. */
export type KeyFormatProblem = 'EMPTY' | 'TOO_LONG' | 'MALFORMED' | 'BAD_CHECKSUM';

export interface ParsedKey {
  ok: true;
  prefix: string;
  publicId: string;
  secret: string;
  /** The last four characters: with the prefix, all that Keywarden ever shows of a key again. */
  tail: string;
}

export interface KeyFormatFailure {
  ok: false;
  problem: KeyFormatProblem;
  /** A sentence for a person, e.g. for a CLI that was handed a mistyped key. */
  message: string;
}

const MESSAGES: Record<KeyFormatProblem, string> = {
  EMPTY: 'The key is empty',
  TOO_LONG: `The key is longer than ${MAX_KEY_TEXT_LENGTH} characters`,
  MALFORMED: 'The text does not have the shape of a Keywarden key (<prefix>_pk_<id><secret><checksum>)',
  BAD_CHECKSUM: 'The key checksum does not match: it was mistyped, truncated or altered',
};

function failure(problem: KeyFormatProblem): KeyFormatFailure {
  return Object.freeze({ ok: false, problem, message: MESSAGES[problem] });
}

// One frozen answer per problem: the server parses on every verification request.
const FAILURES: Record<KeyFormatProblem, KeyFormatFailure> = {
  EMPTY: failure('EMPTY'),
  TOO_LONG: failure('TOO_LONG'),
  MALFORMED: failure('MALFORMED'),
  BAD_CHECKSUM: failure('BAD_CHECKSUM'),
};

let crcTable: Uint32Array | undefined;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

/**
 * CRC-32 (IEEE 802.3, as zlib's crc32) of the UTF-8 bytes of `text`. Key texts are ASCII, where a
 * character is a byte; other characters are encoded to UTF-8 first so the result always equals zlib's.
 */
export function crc32(text: string): number {
  const t = table();
  let crc = 0xffffffff;
  const bytes = isAscii(text) ? null : new TextEncoder().encode(text);
  const length = bytes ? bytes.length : text.length;
  for (let i = 0; i < length; i++) {
    const byte = bytes ? bytes[i]! : text.charCodeAt(i);
    crc = t[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
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

export function isValidKeyPrefix(prefix: string): boolean {
  return KEY_PREFIX_PATTERN.test(prefix);
}

export function isValidPublicId(publicId: string): boolean {
  return PUBLIC_ID_PATTERN.test(publicId);
}

/** The 6-character checksum of a key text without its checksum. */
export function keyChecksum(textWithoutChecksum: string): string {
  return encodeBase62(crc32(textWithoutChecksum), CHECKSUM_LENGTH);
}

/** The key text of these parts. Throws on invalid parts: a key that parseKey would reject is a programming error. */
export function formatKey(prefix: string, publicId: string, secret: string): string {
  if (!isValidKeyPrefix(prefix)) throw new RangeError('formatKey: invalid key prefix');
  if (!isValidPublicId(publicId)) throw new RangeError('formatKey: invalid public id');
  if (secret.length !== SECRET_LENGTH || !isBase62(secret)) {
    throw new RangeError('formatKey: secret must be 32 base62 characters');
  }
  const unchecked = `${prefix}_${publicId}${secret}`;
  return unchecked + keyChecksum(unchecked);
}

/**
 * Splits a key text into its parts and checks its checksum, offline. Never throws; returns
 * `{ ok: false, problem }` for anything that is not a well-formed key. Length limits come first,
 * the patterns are anchored with no nested quantifiers (linear), and the CRC is computed only once
 * the shape is valid.
 */
export function parseKey(text: string): ParsedKey | KeyFormatFailure {
  if (typeof text !== 'string' || text.length === 0) return FAILURES.EMPTY;
  if (text.length > MAX_KEY_TEXT_LENGTH) return FAILURES.TOO_LONG;
  if (text.length < MIN_KEY_TEXT_LENGTH) return FAILURES.MALFORMED;

  // Prefixes never contain '_', so the first one ends the prefix.
  const separator = text.indexOf('_');
  if (separator < MIN_PREFIX_LENGTH || separator > MAX_PREFIX_LENGTH) return FAILURES.MALFORMED;
  const prefix = text.slice(0, separator);
  if (!isValidKeyPrefix(prefix)) return FAILURES.MALFORMED;
  if (text.length - separator - 1 < MIN_BODY_LENGTH) return FAILURES.MALFORMED;

  // Secret and checksum have fixed lengths, so the public id is whatever lies between.
  const checksumStart = text.length - CHECKSUM_LENGTH;
  const secretStart = checksumStart - SECRET_LENGTH;
  const publicId = text.slice(separator + 1, secretStart);
  const secret = text.slice(secretStart, checksumStart);
  const checksum = text.slice(checksumStart);
  if (!isValidPublicId(publicId) || !isBase62(secret) || !isBase62(checksum)) return FAILURES.MALFORMED;
  if (checksum !== keyChecksum(text.slice(0, checksumStart))) return FAILURES.BAD_CHECKSUM;
  return { ok: true, prefix, publicId, secret, tail: text.slice(-DISPLAY_TAIL_LENGTH) };
}

/** True when `text` has the shape of a Keywarden key and its checksum matches (no network). */
export function isWellFormedKey(text: string): boolean {
  return parseKey(text).ok;
}

/** The display form of a key from its prefix and tail, e.g. `kw_…AbCd`. */
export function maskedForm(prefix: string, tail: string): string {
  return `${prefix}_…${tail}`;
}

/** The display form Keywarden uses for a key text, e.g. `kw_…AbCd`; `…` for a text that is not a key. */
export function maskKey(text: string): string {
  const parsed = parseKey(text);
  return parsed.ok ? maskedForm(parsed.prefix, parsed.tail) : '…';
}
