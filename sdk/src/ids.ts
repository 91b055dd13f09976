// Ids as the SDK types them: each entity's prefix (see server/src/domain/ids.ts) in its type, so a
// group id where a key id belongs does not compile. `asId` brings an id from elsewhere (your own
// database, a URL) into that type after checking its prefix and shape at run time.

import type { IdTypes } from './types.ts';

export type IdPrefix = keyof IdTypes;

const ID_PREFIXES: readonly IdPrefix[] = ['ten', 'mem', 'rol', 'scp', 'grp', 'key', 'ipr', 'tok', 'ses', 'aud'];
/** `<prefix>_` and a 26-character lowercase Crockford base32 ULID. */
const ID_SHAPE = /^([a-z]{3})_[0-9a-hjkmnp-tv-z]{26}$/;

/** Whether `text` is an id of the entity `prefix` names (`isId('key', text)`). */
export function isId<P extends IdPrefix>(prefix: P, text: unknown): text is IdTypes[P] {
  return typeof text === 'string' && ID_SHAPE.exec(text)?.[1] === prefix;
}

/**
 * `text` typed as the id of the entity `prefix` names, e.g. `asId('key', row.keywardenKeyId)`.
 * Throws TypeError for anything else (a group id where a key id is wanted, a typo), before a request.
 */
export function asId<P extends IdPrefix>(prefix: P, text: string): IdTypes[P] {
  if (!ID_PREFIXES.includes(prefix)) throw new TypeError(`Unknown id prefix ${JSON.stringify(prefix)}`);
  if (!isId(prefix, text)) throw new TypeError(`Expected an id of the form ${prefix}_<26 characters>, got ${JSON.stringify(String(text).slice(0, 40))}`);
  return text;
}
