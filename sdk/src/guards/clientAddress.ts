// The end client's address behind reverse proxies. `X-Forwarded-For` is written by whoever sent the
// request, so it is believed only hop by hop: when the direct peer is a trusted proxy, the entry it
// appended (the rightmost) is the address it saw; walking leftwards, each entry is believed while the
// one to its right is a trusted proxy. The first untrusted address met is the client. Pure code (no
// node:net) so the Hono and Fetch guards run on edge runtimes too.

interface Address {
  v6: boolean;
  value: bigint;
}

interface Cidr extends Address {
  bits: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const MAPPED_PREFIX = 0xffffn;

function parseIpv4(text: string): bigint | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  let value = 0n;
  for (const part of match.slice(1)) {
    const octet = Number(part);
    if (octet > 255) return null;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  // An embedded IPv4 address in the last position (::ffff:198.51.100.7) counts as two groups.
  const last = (tail.length ? tail : head).at(-1);
  let embedded: bigint | null = null;
  if (last?.includes('.')) {
    embedded = parseIpv4(last);
    if (embedded === null) return null;
    (tail.length ? tail : head).pop();
  }
  const width = head.length + tail.length + (embedded === null ? 0 : 2);
  if (halves.length === 1 ? width !== 8 : width > 7) return null;
  const hextets = [...head, ...Array<string>(8 - width).fill('0'), ...tail];
  let value = 0n;
  for (const hextet of hextets) {
    if (!/^[0-9a-f]{1,4}$/i.test(hextet)) return null;
    value = (value << 16n) | BigInt(parseInt(hextet, 16));
  }
  return embedded === null ? value : (value << 32n) | embedded;
}

/** An address as text → its value; IPv4-mapped IPv6 becomes IPv4. Accepts `[v6]:port`, `v4:port` and zones. */
function parseAddress(raw: string): Address | null {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  text = text.replace(/%.*$/, '');
  const v4 = parseIpv4(text);
  if (v4 !== null) return { v6: false, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : null;
  if (v6 === null) return null;
  if (v6 >> 32n === MAPPED_PREFIX) return { v6: false, value: v6 & 0xffffffffn };
  return { v6: true, value: v6 };
}

function format(address: Address): string {
  if (!address.v6) return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  const hextets = Array.from({ length: 8 }, (_, i) => (address.value >> BigInt(112 - 16 * i)) & 0xffffn);
  // RFC 5952: the longest run (≥ 2) of zero groups becomes `::`.
  let best = { at: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && hextets[j] === 0n) j++;
    if (j - i > best.length && j - i >= 2) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const text = hextets.map((h) => h.toString(16));
  if (best.at < 0) return text.join(':');
  return `${text.slice(0, best.at).join(':')}::${text.slice(best.at + best.length).join(':')}`;
}

/** An address in canonical text (`::ffff:203.0.113.7` → `203.0.113.7`), or null when it is not one. */
export function canonicalIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const address = parseAddress(raw);
  return address ? format(address) : null;
}

function parseCidr(text: string): Cidr {
  const [ip, prefix, ...rest] = text.trim().split('/');
  const address = ip ? parseAddress(ip) : null;
  // A mapped IPv6 range (::ffff:10.0.0.0/104) is parsed as IPv4 with its prefix moved down by 96.
  const mapped = address !== null && !address.v6 && ip!.includes(':');
  const max = address?.v6 ? 128 : 32;
  const bits = prefix === undefined ? max : Number(prefix) - (mapped ? 96 : 0);
  if (!address || rest.length || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) || !(bits >= 0 && bits <= max)) {
    throw new TypeError(`trustedProxies: "${text}" is not an IP address or CIDR range`);
  }
  return { ...address, bits };
}

function contains(cidr: Cidr, address: Address): boolean {
  if (cidr.v6 !== address.v6) return false;
  const shift = BigInt((cidr.v6 ? 128 : 32) - cidr.bits);
  return address.value >> shift === cidr.value >> shift;
}

/** `trustedProxies` compiled once: does a peer belong to one of the ranges? Throws on a malformed range. */
export function trustedProxies(ranges: readonly string[]): (ip: string) => boolean {
  const cidrs = ranges.map(parseCidr);
  return (ip) => {
    const address = parseAddress(ip);
    return address !== null && cidrs.some((cidr) => contains(cidr, address));
  };
}

/**
 * The client's address: the direct peer, unless it is a trusted proxy, in which case `X-Forwarded-For`
 * is walked from the right past trusted proxies. A malformed entry stops the walk at the last
 * address believed (the proxy that passed it on), never at what the client wrote.
 */
export function clientAddress(
  peer: string | null | undefined,
  forwardedFor: string | readonly string[] | null | undefined,
  isTrusted: ((ip: string) => boolean) | null,
): string | null {
  let client = canonicalIp(peer);
  if (!client || !isTrusted || !isTrusted(client)) return client;
  const hops = (typeof forwardedFor === 'string' ? [forwardedFor] : (forwardedFor ?? [])).join(',').split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = canonicalIp(hops[i]);
    if (!hop) break;
    client = hop;
    if (!isTrusted(hop)) break;
  }
  return client;
}

/** The options every framework guard shares about addresses. */
export interface ProxyOptions {
  /**
   * Proxies (IP addresses or CIDR ranges) whose `X-Forwarded-For` is believed. When set, the guard
   * reads the client address from the direct peer and that header itself, walking from the right.
   */
  trustedProxies?: readonly string[];
}
