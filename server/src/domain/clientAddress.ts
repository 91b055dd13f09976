/**
 * The real client address behind trusted reverse proxies.
 *
 * Forwarding headers are only believed when the TCP peer is a trusted proxy; from anyone else they
 * are ignored, so a client cannot spoof its way past IP rules. Behind a trusted proxy the header
 * is walked from the right (the entry the nearest proxy appended) skipping entries that are
 * themselves trusted proxies; the first untrusted entry is the client.
 *
 * Decisions:
 * - Exactly ONE header is believed, chosen in configuration (`compileTrustedProxies(..., { header })`,
 *   default `x-forwarded-for`). Reading both would let a client spoof through whichever header
 *   the proxy passes through untouched (nginx appends to X-Forwarded-For but forwards a
 *   client-written `Forwarded` header as-is, and vice versa).
 * - A malformed entry (garbage, `unknown`, an obfuscated `_node`, a `Forwarded` element without
 *   `for=`, an empty list item) stops the walk and the last trusted hop is returned: it is the
 *   nearest address we can vouch for. Junk written by the client itself can only be reached when
 *   everything to its right was trusted, i.e. the client is inside a trusted range, and then the
 *   last trusted hop IS the client.
 * - When every entry is a trusted proxy, the leftmost one is returned (same reasoning).
 * - X-Forwarded-For entries may carry a port (`1.2.3.4:5678`, `[2001:db8::1]:443`) as some load
 *   balancers write them; an unbracketed IPv6 entry is never split on `:`.
 * - The result is canonical text: IPv4-mapped IPv6 becomes IPv4, IPv6 is in RFC 5952 form.
 *   An unparseable socket address is returned unchanged (IP rules then refuse it), a missing one
 *   as the empty string.
 */
import { cidrContains, parseAddress, parseCidr, type IpAddress, type ParsedCidr } from './ipRules.ts';

export type ProxyHeader = 'x-forwarded-for' | 'forwarded';

export interface TrustedProxies {
  /** The CIDRs as configured (normalized). */
  readonly cidrs: readonly string[];
  readonly header: ProxyHeader;
  contains(address: IpAddress): boolean;
}

/** Validates and precompiles the trusted-proxy list; throws an Error naming the first bad entry. */
export function compileTrustedProxies(
  cidrs: readonly string[],
  options: { header?: ProxyHeader } = {},
): TrustedProxies {
  const parsed: ParsedCidr[] = [];
  const normalized: string[] = [];
  for (const value of cidrs) {
    const result = parseCidr(value.trim());
    if (!result.ok) throw new Error(`Invalid trusted proxy: ${result.message}`);
    parsed.push(result.cidr);
    normalized.push(result.normalized);
  }
  const header = options.header ?? 'x-forwarded-for';
  if (header !== 'x-forwarded-for' && header !== 'forwarded') {
    throw new Error(`Invalid trusted proxy header "${String(header)}": use "x-forwarded-for" or "forwarded"`);
  }
  return {
    cidrs: normalized,
    header,
    contains: (address) => parsed.some((cidr) => cidrContains(cidr, address)),
  };
}

export interface ClientAddressInput {
  socketAddress: string | null | undefined;
  headers: Headers;
  trustedProxies: TrustedProxies;
}

export function clientAddress({ socketAddress, headers, trustedProxies }: ClientAddressInput): string {
  if (socketAddress === null || socketAddress === undefined) return '';
  const peer = parsePeer(socketAddress);
  if (peer === null) return socketAddress;
  const socket = peer.address;
  if (trustedProxies.cidrs.length === 0 || !trustedProxies.contains(socket)) return peer.text;

  const hops =
    trustedProxies.header === 'forwarded'
      ? forwardedForValues(headers.get('forwarded'))
      : xForwardedForValues(headers.get('x-forwarded-for'));

  let lastTrusted: IpAddress = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    const address = hop === undefined || hop === null ? null : parseAddress(hop);
    if (address === null) break;
    if (!trustedProxies.contains(address)) return address.toString();
    lastTrusted = address;
  }
  return lastTrusted.toString();
}

// The TCP peer repeats on every request of a connection, and peers are few: their parse (about a
// microsecond, on every request) is remembered, up to MAX_PEERS addresses at a time.
const MAX_PEERS = 4_096;
const peers = new Map<string, { address: IpAddress; text: string } | null>();

function parsePeer(socketAddress: string): { address: IpAddress; text: string } | null {
  let peer = peers.get(socketAddress);
  if (peer === undefined) {
    const address = parseAddress(socketAddress);
    peer = address === null ? null : { address, text: address.toString() };
    if (peers.size >= MAX_PEERS) peers.clear();
    peers.set(socketAddress, peer);
  }
  return peer;
}

const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
const BRACKETED_WITH_PORT = /^(\[[^\]]*\])(?::\d{1,5})?$/;

/** Removes an optional port; the address itself is checked later by `parseAddress`. */
function stripPort(node: string): string {
  const v4 = IPV4_WITH_PORT.exec(node);
  if (v4?.[1] !== undefined) return v4[1];
  const v6 = BRACKETED_WITH_PORT.exec(node);
  if (v6?.[1] !== undefined) return v6[1];
  return node;
}

/** X-Forwarded-For entries, left (client) to right (nearest proxy). `Headers.get` joins repeated headers with ", ". */
function xForwardedForValues(value: string | null): string[] {
  if (value === null) return [];
  return value.split(',').map((entry) => stripPort(entry.trim()));
}

/**
 * The `for=` node of each RFC 7239 element, left to right; null for an element without one.
 * Splits on commas and semicolons outside quoted strings.
 */
function forwardedForValues(value: string | null): (string | null)[] {
  if (value === null) return [];
  const elements: (string | null)[] = [];
  let current: string | null = null;
  let token = '';
  let inQuotes = false;

  const endPair = (): void => {
    const eq = token.indexOf('=');
    if (eq !== -1 && token.slice(0, eq).trim().toLowerCase() === 'for' && current === null) {
      current = unquote(token.slice(eq + 1).trim());
    }
    token = '';
  };

  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (inQuotes) {
      if (ch === '\\' && i + 1 < value.length) {
        token += ch + value.charAt(++i);
        continue;
      }
      if (ch === '"') inQuotes = false;
      token += ch;
    } else if (ch === '"') {
      inQuotes = true;
      token += ch;
    } else if (ch === ';') {
      endPair();
    } else if (ch === ',') {
      endPair();
      elements.push(current);
      current = null;
    } else {
      token += ch;
    }
  }
  if (inQuotes) {
    // Unterminated quote: the last element is unusable.
    elements.push(null);
    return elements;
  }
  endPair();
  elements.push(current);
  return elements.map((node) => (node === null ? null : stripPort(node)));
}

function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    return text.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return text;
}
