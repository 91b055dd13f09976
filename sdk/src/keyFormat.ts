// Offline key format check: `<prefix>_<publicId><secret><checksum>`.
//
// The same algorithm as the server's (server/src/domain/keyFormat.ts), rewritten without Node
// built-ins (no node:zlib, no Buffer) so that it runs in any JavaScript runtime and can be imported
// on its own (`@keywarden/sdk/key-format`). A test cross-checks it against keys the server makes.
//
// - prefix: the tenant's, `/^[a-z][a-z0-9]{1,11}$/`; never contains `_`.
// - publicId: `pk_` + 3-64 of `[A-Za-z0-9_-]`.
// - secret: 32 base62 characters.
// - checksum: CRC-32 (IEEE, as zlib) of everything before it, base62-encoded and left-padded with
//   '0' to 6 characters; alphabet `0-9A-Za-z`.

export const KEY_PREFIX_PATTERN = /^[a-z][a-z0-9]{1,11}$/;
export const PUBLIC_ID_PATTERN = /^pk_[A-Za-z0-9_-]{3,64}$/;
export const SECRET_LENGTH = 32;
export const CHECKSUM_LENGTH = 6;
export const MAX_KEY_TEXT_LENGTH = 200;

const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
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

function encodeBase62(value: number, width: number): string {
  let digits = '';
  let rest = value;
  do {
    digits = BASE62_ALPHABET.charAt(rest % 62) + digits;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return digits.padStart(width, '0');
}

function isBase62(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122))) return false;
  }
  return true;
}

/** The 6-character checksum of a key text without its checksum. */
export function keyChecksum(textWithoutChecksum: string): string {
  return encodeBase62(crc32(textWithoutChecksum), CHECKSUM_LENGTH);
}

function failure(problem: KeyFormatProblem): KeyFormatFailure {
  return { ok: false, problem, message: MESSAGES[problem] };
}

/**
 * Splits a key text into its parts and checks its checksum, offline. Never throws; returns
 * `{ ok: false, problem }` for anything that is not a well-formed key.
 */
export function parseKey(text: string): ParsedKey | KeyFormatFailure {
  if (typeof text !== 'string' || text.length === 0) return failure('EMPTY');
  if (text.length > MAX_KEY_TEXT_LENGTH) return failure('TOO_LONG');
  if (text.length < MIN_KEY_TEXT_LENGTH) return failure('MALFORMED');

  const separator = text.indexOf('_');
  if (separator < MIN_PREFIX_LENGTH || separator > MAX_PREFIX_LENGTH) return failure('MALFORMED');
  const prefix = text.slice(0, separator);
  if (!KEY_PREFIX_PATTERN.test(prefix)) return failure('MALFORMED');
  if (text.length - separator - 1 < MIN_BODY_LENGTH) return failure('MALFORMED');

  const checksumStart = text.length - CHECKSUM_LENGTH;
  const secretStart = checksumStart - SECRET_LENGTH;
  const publicId = text.slice(separator + 1, secretStart);
  const secret = text.slice(secretStart, checksumStart);
  const checksum = text.slice(checksumStart);
  if (!PUBLIC_ID_PATTERN.test(publicId) || !isBase62(secret) || !isBase62(checksum)) return failure('MALFORMED');
  if (checksum !== keyChecksum(text.slice(0, checksumStart))) return failure('BAD_CHECKSUM');
  return { ok: true, prefix, publicId, secret, tail: text.slice(-4) };
}

/** True when `text` has the shape of a Keywarden key and its checksum matches (no network). */
export function isWellFormedKey(text: string): boolean {
  return parseKey(text).ok;
}

/** The display form Keywarden uses, e.g. `kw_…AbCd`. */
export function maskKey(text: string): string {
  const parsed = parseKey(text);
  return parsed.ok ? `${parsed.prefix}_…${parsed.tail}` : '…';
}
