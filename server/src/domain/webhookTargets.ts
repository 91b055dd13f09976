import ipaddr from 'ipaddr.js';

// Where a webhook may be sent (SSRF defence). A target URL is http(s) (https only in production),
// has no user name or password, and every address its host resolves to is a public unicast
// address, or lies inside a range the operator allowed (KEYWARDEN_WEBHOOK_ALLOWED_CIDRS).
// The delivery connects to the very address checked here (services/webhooks/http.ts), so a DNS
// answer that changes between check and connect cannot redirect it.

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Parses a comma-separated CIDR list (single addresses allowed); throws on the first bad entry. */
export function parseCidrList(text: string): Cidr[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    try {
      return entry.includes('/') ? ipaddr.parseCIDR(entry) : (() => {
        const address = ipaddr.parse(entry);
        return [address, address.kind() === 'ipv4' ? 32 : 128] as Cidr;
      })();
    } catch {
      throw new Error(`"${entry}" is not an IP address or CIDR`);
    }
  });
}

/** Why `url` cannot be a webhook target (before any DNS lookup), or null. */
export function targetUrlProblem(url: string, options: { requireHttps: boolean; allowed: readonly Cidr[] }): string | null {
  if (url.length > MAX_WEBHOOK_URL_LENGTH) return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http(s) URL';
  if (options.requireHttps && parsed.protocol !== 'https:') return 'must use https';
  if (parsed.username !== '' || parsed.password !== '') return 'must have no user name or password';
  if (parsed.hash !== '') return 'must have no fragment';
  const host = hostOf(parsed);
  if (ipaddr.isValid(host)) {
    const problem = addressProblem(host, options.allowed);
    if (problem) return problem;
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    return addressProblem('127.0.0.1', options.allowed);
  }
  return null;
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Why a resolved address may not be connected to, or null: anything but public unicast
 * (private, loopback, link-local, unspecified, multicast, CGNAT, reserved, ULA…) is refused unless
 * an allowed range contains it. IPv4-mapped IPv6 addresses are judged as the IPv4 address.
 */
export function addressProblem(address: string, allowed: readonly Cidr[]): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address);
  } catch {
    return 'has an unreadable address';
  }
  const range = parsed.range();
  if (range === 'unicast') return null;
  if (allowed.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits))) return null;
  return `resolves to a ${range} address (${parsed.toString()}), which webhooks may not reach`;
}
