import { describe, expect, it } from 'vitest';
import { clientAddress, compileTrustedProxies, type ProxyHeader } from '../../src/domain/clientAddress.ts';

const PROXIES = ['10.0.0.0/8', '2001:db8:ffff::/48', '127.0.0.1'];

function run(
  socketAddress: string | undefined,
  headers: Record<string, string> | [string, string][],
  options: { proxies?: string[]; header?: ProxyHeader } = {},
): string {
  const trustedProxies = compileTrustedProxies(options.proxies ?? PROXIES, options.header ? { header: options.header } : {});
  return clientAddress({ socketAddress, headers: new Headers(headers), trustedProxies });
}

describe('clientAddress with X-Forwarded-For (default)', () => {
  it.each<[string, string | undefined, Record<string, string> | [string, string][], string]>([
    ['untrusted socket, no header', '203.0.113.7', {}, '203.0.113.7'],
    ['untrusted socket with spoofed XFF', '203.0.113.7', { 'x-forwarded-for': '1.1.1.1' }, '203.0.113.7'],
    ['untrusted socket with spoofed Forwarded', '203.0.113.7', { forwarded: 'for=1.1.1.1' }, '203.0.113.7'],
    ['trusted proxy, no header', '10.0.0.2', {}, '10.0.0.2'],
    ['trusted proxy → client from XFF', '10.0.0.2', { 'x-forwarded-for': '198.51.100.4' }, '198.51.100.4'],
    ['client spoof left of the real client is ignored', '10.0.0.2', { 'x-forwarded-for': '1.1.1.1, 198.51.100.4' }, '198.51.100.4'],
    ['chain of trusted proxies', '10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 198.51.100.4, 10.0.0.9, 10.1.1.1' }, '198.51.100.4'],
    ['repeated XFF headers are one list', '10.0.0.2', [['x-forwarded-for', '6.6.6.6, 198.51.100.4'], ['x-forwarded-for', '10.0.0.9']], '198.51.100.4'],
    ['all hops trusted → leftmost', '10.0.0.2', { 'x-forwarded-for': '10.0.0.3, 10.0.0.4' }, '10.0.0.3'],
    ['malformed entry stops the walk → last trusted hop', '10.0.0.2', { 'x-forwarded-for': '198.51.100.4, bogus, 10.0.0.9' }, '10.0.0.9'],
    ['malformed rightmost entry → socket', '10.0.0.2', { 'x-forwarded-for': '198.51.100.4, unknown' }, '10.0.0.2'],
    ['empty list item is malformed', '10.0.0.2', { 'x-forwarded-for': '198.51.100.4,,10.0.0.9' }, '10.0.0.9'],
    ['client inside trusted range followed by junk → that client', '10.0.0.2', { 'x-forwarded-for': 'junk, 10.0.0.50' }, '10.0.0.50'],
    ['whitespace around entries', '10.0.0.2', { 'x-forwarded-for': '  198.51.100.4  ,10.0.0.9 ' }, '198.51.100.4'],
    ['IPv4 with port', '10.0.0.2', { 'x-forwarded-for': '198.51.100.4:5678' }, '198.51.100.4'],
    ['bracketed IPv6 with port', '10.0.0.2', { 'x-forwarded-for': '[2001:db8::7]:443' }, '2001:db8::7'],
    ['bare IPv6 entry', '10.0.0.2', { 'x-forwarded-for': '2001:DB8:0::7' }, '2001:db8::7'],
    ['mapped entry becomes IPv4', '10.0.0.2', { 'x-forwarded-for': '::ffff:198.51.100.4' }, '198.51.100.4'],
    ['Forwarded is ignored in XFF mode', '10.0.0.2', { forwarded: 'for=1.1.1.1', 'x-forwarded-for': '198.51.100.4' }, '198.51.100.4'],
    ['IPv6 socket, untrusted', '2001:db8::1', { 'x-forwarded-for': '1.1.1.1' }, '2001:db8::1'],
    ['IPv6 socket, trusted', '2001:db8:ffff::10', { 'x-forwarded-for': '198.51.100.4' }, '198.51.100.4'],
    ['IPv6 socket is canonicalized', '2001:0db8:0000::0001', {}, '2001:db8::1'],
    ['mapped untrusted socket → IPv4', '::ffff:203.0.113.7', { 'x-forwarded-for': '1.1.1.1' }, '203.0.113.7'],
    ['mapped ::ffff:127.0.0.1 socket is a trusted proxy', '::ffff:127.0.0.1', { 'x-forwarded-for': '198.51.100.4' }, '198.51.100.4'],
    ['mapped ::ffff:127.0.0.1 socket, no header', '::ffff:127.0.0.1', {}, '127.0.0.1'],
    ['missing socket address', undefined, { 'x-forwarded-for': '1.1.1.1' }, ''],
    ['unparseable socket address is returned as is', 'weird', { 'x-forwarded-for': '1.1.1.1' }, 'weird'],
  ])('%s', (_name, socket, headers, expected) => {
    expect(run(socket, headers)).toBe(expected);
  });

  it('trusts nobody without trusted proxies', () => {
    expect(run('10.0.0.2', { 'x-forwarded-for': '198.51.100.4' }, { proxies: [] })).toBe('10.0.0.2');
  });
});

describe('clientAddress with Forwarded (RFC 7239)', () => {
  it.each<[string, string, Record<string, string> | [string, string][], string]>([
    ['plain for=', '10.0.0.2', { forwarded: 'for=198.51.100.4' }, '198.51.100.4'],
    ['case-insensitive parameter name', '10.0.0.2', { forwarded: 'For=198.51.100.4' }, '198.51.100.4'],
    ['with other parameters', '10.0.0.2', { forwarded: 'proto=https;for=198.51.100.4;by=10.0.0.2' }, '198.51.100.4'],
    ['quoted IPv4 with port', '10.0.0.2', { forwarded: 'for="198.51.100.4:8080"' }, '198.51.100.4'],
    ['quoted bracketed IPv6', '10.0.0.2', { forwarded: 'for="[2001:db8:cafe::17]"' }, '2001:db8:cafe::17'],
    ['quoted bracketed IPv6 with port', '10.0.0.2', { forwarded: 'for="[2001:db8:cafe::17]:4711"' }, '2001:db8:cafe::17'],
    ['chain, right to left', '10.0.0.2', { forwarded: 'for=6.6.6.6, for=198.51.100.4;proto=https, for=10.0.0.9' }, '198.51.100.4'],
    ['spaces around separators', '10.0.0.2', { forwarded: 'for=198.51.100.4 ; proto=http ,  for="10.0.0.9"' }, '198.51.100.4'],
    ['comma inside quotes does not split', '10.0.0.2', { forwarded: 'for=198.51.100.4;x="a,b", for=10.0.0.9' }, '198.51.100.4'],
    ['repeated headers', '10.0.0.2', [['forwarded', 'for=198.51.100.4'], ['forwarded', 'for=10.0.0.9']], '198.51.100.4'],
    ['for=unknown stops the walk', '10.0.0.2', { forwarded: 'for=198.51.100.4, for=unknown' }, '10.0.0.2'],
    ['obfuscated node stops the walk', '10.0.0.2', { forwarded: 'for=198.51.100.4, for=_hidden, for=10.0.0.9' }, '10.0.0.9'],
    ['element without for= stops the walk', '10.0.0.2', { forwarded: 'for=198.51.100.4, proto=https' }, '10.0.0.2'],
    ['unterminated quote stops the walk', '10.0.0.2', { forwarded: 'for=198.51.100.4, for="10.0.0.9' }, '10.0.0.2'],
    ['X-Forwarded-For is ignored in Forwarded mode', '10.0.0.2', { 'x-forwarded-for': '1.1.1.1', forwarded: 'for=198.51.100.4' }, '198.51.100.4'],
    ['untrusted socket ignores Forwarded', '203.0.113.7', { forwarded: 'for=198.51.100.4' }, '203.0.113.7'],
    ['mapped IPv6 in Forwarded', '10.0.0.2', { forwarded: 'for="[::ffff:198.51.100.4]"' }, '198.51.100.4'],
  ])('%s', (_name, socket, headers, expected) => {
    expect(run(socket, headers, { header: 'forwarded' })).toBe(expected);
  });
});

describe('compileTrustedProxies', () => {
  it('normalizes the configured CIDRs', () => {
    expect(compileTrustedProxies(['10.0.0.1/8', ' ::1 ']).cidrs).toEqual(['10.0.0.0/8', '::1/128']);
  });

  it.each([
    [['10.0.0.0/33'], 'Invalid trusted proxy: "10.0.0.0/33" is not a valid IP address or CIDR'],
    [['10.0.0.0/8', 'proxy.internal'], 'Invalid trusted proxy: "proxy.internal" is not a valid IP address or CIDR'],
  ])('rejects %j', (cidrs, message) => {
    expect(() => compileTrustedProxies(cidrs)).toThrow(message);
  });

  it('rejects an unknown header mode', () => {
    expect(() => compileTrustedProxies([], { header: 'x-real-ip' as ProxyHeader })).toThrow(/x-real-ip/);
  });
});
