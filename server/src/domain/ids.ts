import { randomBytes } from 'node:crypto';

/**
 * Prefixed ULIDs, e.g. `key_01jd5x8m6qz3v7t2k9w4r0b1cn`: the prefix names the entity, the
 * 26-char lowercase Crockford base32 ULID (48-bit ms timestamp + 80 random bits) makes ids
 * sort by creation time. They are used directly as Relay global ids. Ids are not secrets.
 */
export type IdPrefix =
  | 'ten' // tenant
  | 'mem' // member
  | 'rol' // role
  | 'scp' // scope
  | 'grp' // group
  | 'key' // api key
  | 'ipr' // ip rule
  | 'tok' // access token
  | 'ses' // session
  | 'aud' // audit event
  | 'idt' // identity (an integrator's externalId)
  | 'rvl' // reveal link
  | 'net' // a network a key was used from
  | 'plt' // platform credential
  | 'whk' // webhook endpoint
  | 'msg' // webhook delivery (its `webhook-id`)
  | 'wha'; // webhook delivery attempt

const ID_PREFIXES: readonly IdPrefix[] = [
  'ten', 'mem', 'rol', 'scp', 'grp', 'key', 'ipr', 'tok', 'ses', 'aud', 'idt', 'plt', 'rvl', 'net', 'whk', 'msg', 'wha',
];

/** Prefixes of entities exposed as GraphQL nodes; platform credentials and identities (found by externalId) are not. */
export type NodeIdPrefix = Exclude<IdPrefix, 'plt' | 'idt' | 'rvl' | 'net' | 'wha'>;

export const ID_PREFIX_TYPENAME = {
  ten: 'Tenant',
  mem: 'Member',
  rol: 'Role',
  scp: 'Scope',
  grp: 'Group',
  key: 'ApiKey',
  ipr: 'IpRule',
  tok: 'AccessToken',
  ses: 'Session',
  aud: 'AuditEvent',
  whk: 'WebhookEndpoint',
  msg: 'WebhookDelivery',
} as const satisfies Record<NodeIdPrefix, string>;

export type NodeTypename = (typeof ID_PREFIX_TYPENAME)[NodeIdPrefix];

// Crockford base32 without I, L, O, U; lowercase so ids look uniform and sort by ASCII.
const CROCKFORD_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
// First char carries only 3 of the 48 timestamp bits, hence [0-7].
const ID_PATTERN = /^([a-z]{3})_([0-7][0-9a-hjkmnp-tv-z]{25})$/;

const TIME_CHARS = 10; // 48 bits -> 10 chars (50 bits, top 2 always zero)
const RANDOM_HALF_CHARS = 8; // 40 bits -> 8 chars
const RANDOM_HALF_LIMIT = 2 ** 40;

// The 80 random bits are kept as two 40-bit halves so plain numbers (not bigint) suffice.
let lastTime = -1;
let lastRandomHigh = 0;
let lastRandomLow = 0;

function encodeCrockford(value: number, chars: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < chars; i++) {
    out = CROCKFORD_ALPHABET.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function readUint40(bytes: Buffer, offset: number): number {
  return bytes.readUIntBE(offset, 5);
}

function freshRandom(): void {
  const bytes = randomBytes(10);
  lastRandomHigh = readUint40(bytes, 0);
  lastRandomLow = readUint40(bytes, 5);
}

export function newId(prefix: IdPrefix): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    freshRandom();
  } else {
    // Same ms (or the clock stepped back): keep the last timestamp and increment the random
    // part, so ids from this process never sort before ones it issued earlier.
    lastRandomLow += 1;
    if (lastRandomLow === RANDOM_HALF_LIMIT) {
      lastRandomLow = 0;
      lastRandomHigh += 1;
      if (lastRandomHigh === RANDOM_HALF_LIMIT) {
        // 80-bit overflow (practically unreachable): borrow the next millisecond.
        lastTime += 1;
        freshRandom();
      }
    }
  }
  return (
    prefix +
    '_' +
    encodeCrockford(lastTime, TIME_CHARS) +
    encodeCrockford(lastRandomHigh, RANDOM_HALF_CHARS) +
    encodeCrockford(lastRandomLow, RANDOM_HALF_CHARS)
  );
}

export function isIdPrefix(value: string): value is IdPrefix {
  return (ID_PREFIXES as readonly string[]).includes(value);
}

/** The prefix of a well-formed id, or null. */
export function idPrefixOf(id: string): IdPrefix | null {
  const match = ID_PATTERN.exec(id);
  const prefix = match?.[1];
  return prefix !== undefined && isIdPrefix(prefix) ? prefix : null;
}

/** GraphQL type name for a node id; null for malformed ids and non-node prefixes. */
export function typenameOfId(id: string): NodeTypename | null {
  const prefix = idPrefixOf(id);
  if (prefix === null || prefix === 'plt' || prefix === 'idt' || prefix === 'rvl' || prefix === 'net' || prefix === 'wha') return null;
  return ID_PREFIX_TYPENAME[prefix];
}
