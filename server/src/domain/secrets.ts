import { createHash, createHmac } from 'node:crypto';
import { argon2id, hash, needsRehash, verify } from 'argon2';
import { randomBase62 } from './base62.ts';

export interface Argon2Params {
  memoryCost: number; // KiB
  timeCost: number;
  parallelism: number;
}

/** OWASP's minimum argon2id configuration (19 MiB, 2 iterations, 1 lane). */
export const OWASP_MIN_ARGON2: Argon2Params = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/** 43 base62 chars = 256.03 bits. */
export const OPAQUE_TOKEN_RANDOM_LENGTH = 43;

const ARGON2ID_HASH_PREFIX = '$argon2id$';
const TOKEN_PREFIX_PATTERN = /^[a-z][a-z0-9]*$/;

/** argon2id PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`. */
export function hashSecret(secret: string, params: Argon2Params): Promise<string> {
  return hash(secret, {
    type: argon2id,
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  });
}

/** False (never throws) on a wrong secret or a hash that is not a valid argon2 PHC string. */
export async function verifySecret(storedHash: string, secret: string): Promise<boolean> {
  try {
    return await verify(storedHash, secret);
  } catch {
    return false;
  }
}

/**
 * True when the hash was made with other parameters than `params` (higher or lower), or is not
 * argon2id at all; callers rehash after a successful verify. Unparseable hashes also say true.
 */
export function secretNeedsRehash(storedHash: string, params: Argon2Params): boolean {
  if (!storedHash.startsWith(ARGON2ID_HASH_PREFIX)) return true;
  try {
    return needsRehash(storedHash, params);
  } catch {
    return true;
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function hmacSha256Hex(key: Buffer | string, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/**
 * `<prefix>_` + 256 random bits in base62, e.g. `kws_…` (session), `kwt_…` (access token),
 * `kwp_…` (platform credential). Full entropy makes a plain SHA-256 a safe stored form.
 */
export function generateOpaqueToken(prefix: string): string {
  if (!TOKEN_PREFIX_PATTERN.test(prefix)) {
    throw new RangeError('generateOpaqueToken: prefix must be lowercase alphanumeric');
  }
  return `${prefix}_${randomBase62(OPAQUE_TOKEN_RANDOM_LENGTH)}`;
}

