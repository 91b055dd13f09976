import ipaddr from 'ipaddr.js';

/** How wide "a network" is for `key.used_from_new_network`: an IPv4 /24, an IPv6 /48. */
export const NETWORK_PREFIX = { ipv4: 24, ipv6: 48 } as const;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/;

/**
 * The network an address belongs to, as a CIDR (`203.0.113.0/24`, `2001:db8:1::/48`); null for
 * something that is not an address. IPv4-mapped IPv6 addresses count as their IPv4 address.
 * Plain IPv4 (what requests mostly carry) is read without a parser: this runs on every valid verify.
 */
export function networkOf(address: string): string | null {
  const v4 = IPV4.exec(address);
  if (v4 !== null) return `${v4[1]}.${v4[2]}.${v4[3]}.0/${NETWORK_PREFIX.ipv4}`;
  if (!ipaddr.isValid(address)) return null;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (parsed.kind() === 'ipv4') {
    const octets = (parsed as ipaddr.IPv4).octets;
    return `${octets[0]}.${octets[1]}.${octets[2]}.0/${NETWORK_PREFIX.ipv4}`;
  }
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/${NETWORK_PREFIX.ipv6}`);
  return `${network.toString()}/${NETWORK_PREFIX.ipv6}`;
}
