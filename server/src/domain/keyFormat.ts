import { isBase62, parseKey, SECRET_LENGTH } from '@keywarden/sdk/key-format';
import { randomBase62 } from './base62.ts';

// The key format itself (constants, parseKey, formatKey, checksum, masking) is defined once, in
// `@keywarden/sdk/key-format`, shared with the SDK. Here: only what the server needs besides,
// generating a key's parts (with Node's CSPRNG) and reading Basic credentials.

const GENERATED_PUBLIC_ID_RANDOM_LENGTH = 20;

export function generatePublicId(): string {
  return 'pk_' + randomBase62(GENERATED_PUBLIC_ID_RANDOM_LENGTH);
}

export function generateSecret(): string {
  return randomBase62(SECRET_LENGTH);
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
