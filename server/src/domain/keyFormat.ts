import { crc32 } from 'node:zlib';
import { encodeBase62, isBase62, randomBase62 } from './base62.ts';

/**
 * API key text: `<prefix>_<publicId><secret><checksum>`, e.g. `acme_pk_4fG…<32 secret><6 crc>`.
 * - prefix: chosen per tenant; identifies where the key belongs (and helps secret scanners).
 * - publicId: looks up the key record; generated or chosen by the user.
 * - secret: 32 base62 chars (~190 bits), only its argon2id hash is stored.
 * - checksum: CRC32 of everything before it, so typos and truncations are rejected
 *   without touching the database or running argon2.
 */

export const KEY_PREFIX_PATTERN = /^[a-z][a-z0-9]{1,11}$/;
export const PUBLIC_ID_PATTERN = /^pk_[A-Za-z0-9_-]{3,64}$/;

export const SECRET_LENGTH = 32;
export const CHECKSUM_LENGTH = 6; // 62^6 > 2^32 > 62^5
export const GENERATED_PUBLIC_ID_RANDOM_LENGTH = 20;
export const MAX_KEY_TEXT_LENGTH = 200;
export const DISPLAY_TAIL_LENGTH = 4;

const MAX_PREFIX_LENGTH = 12;
const MIN_PREFIX_LENGTH = 2;
const MIN_PUBLIC_ID_LENGTH = 'pk_'.length + 3;
const MIN_BODY_LENGTH = MIN_PUBLIC_ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;
const MIN_KEY_TEXT_LENGTH = MIN_PREFIX_LENGTH + 1 + MIN_BODY_LENGTH;

export type KeyFormatErrorReason = 'EMPTY' | 'TOO_LONG' | 'MALFORMED' | 'BAD_CHECKSUM';

export interface ParsedKey {
  ok: true;
  prefix: string;
  publicId: string;
  secret: string;
  /** Last four characters of the full key text, the only part besides the prefix ever shown. */
  tail: string;
}

export interface KeyFormatError {
  ok: false;
  reason: KeyFormatErrorReason;
}

export function isValidKeyPrefix(prefix: string): boolean {
  return KEY_PREFIX_PATTERN.test(prefix);
}

export function isValidPublicId(publicId: string): boolean {
  return PUBLIC_ID_PATTERN.test(publicId);
}

export function generatePublicId(): string {
  return 'pk_' + randomBase62(GENERATED_PUBLIC_ID_RANDOM_LENGTH);
}

export function generateSecret(): string {
  return randomBase62(SECRET_LENGTH);
}

function checksumOf(keyTextWithoutChecksum: string): string {
  return encodeBase62(crc32(keyTextWithoutChecksum), CHECKSUM_LENGTH);
}

/** Throws on invalid parts: producing a key that parseKey would reject is a programming error. */
export function formatKey(prefix: string, publicId: string, secret: string): string {
  if (!isValidKeyPrefix(prefix)) throw new RangeError('formatKey: invalid key prefix');
  if (!isValidPublicId(publicId)) throw new RangeError('formatKey: invalid public id');
  if (secret.length !== SECRET_LENGTH || !isBase62(secret)) {
    throw new RangeError('formatKey: secret must be 32 base62 characters');
  }
  const unchecked = `${prefix}_${publicId}${secret}`;
  return unchecked + checksumOf(unchecked);
}

const MALFORMED: KeyFormatError = Object.freeze({ ok: false, reason: 'MALFORMED' });

/**
 * Runs on every verification request: length limits come first, the patterns are anchored
 * with no nested quantifiers (linear), and the CRC is computed only once the shape is valid.
 */
export function parseKey(text: string): ParsedKey | KeyFormatError {
  if (text.length === 0) return { ok: false, reason: 'EMPTY' };
  if (text.length > MAX_KEY_TEXT_LENGTH) return { ok: false, reason: 'TOO_LONG' };
  if (text.length < MIN_KEY_TEXT_LENGTH) return MALFORMED;

  // Prefixes never contain '_', so the first one ends the prefix.
  const separator = text.indexOf('_');
  if (separator < MIN_PREFIX_LENGTH || separator > MAX_PREFIX_LENGTH) return MALFORMED;
  const prefix = text.slice(0, separator);
  if (!isValidKeyPrefix(prefix)) return MALFORMED;
  if (text.length - separator - 1 < MIN_BODY_LENGTH) return MALFORMED;

  // Secret and checksum have fixed lengths, so the public id is whatever lies between.
  const checksumStart = text.length - CHECKSUM_LENGTH;
  const secretStart = checksumStart - SECRET_LENGTH;
  const publicId = text.slice(separator + 1, secretStart);
  const secret = text.slice(secretStart, checksumStart);
  const checksum = text.slice(checksumStart);
  if (!isValidPublicId(publicId) || !isBase62(secret) || !isBase62(checksum)) return MALFORMED;

  // Everything checked is ASCII here, so crc32's UTF-8 encoding is byte-for-byte the text.
  if (checksum !== checksumOf(text.slice(0, checksumStart))) {
    return { ok: false, reason: 'BAD_CHECKSUM' };
  }
  return { ok: true, prefix, publicId, secret, tail: text.slice(-DISPLAY_TAIL_LENGTH) };
}

/**
 * The secret of Basic credentials (`public-id:secret`, OAuth client_id/client_secret): either the
 * 32 secret characters alone, or the full key text of that same key, which is what createKey hands
 * out. null: neither, including another key's full text.
 */
export function basicSecretPart(publicId: string, presented: string): string | null {
  // A full key text is always longer than a bare secret, so the length tells the two apart.
  if (presented.length === SECRET_LENGTH) return isBase62(presented) ? presented : null;
  const parsed = parseKey(presented);
  return parsed.ok && parsed.publicId === publicId ? parsed.secret : null;
}

/** Display form, e.g. `kw_…AbCd`. */
export function maskKey(prefix: string, tail: string): string {
  return `${prefix}_…${tail}`;
}
