import { describe, expect, it } from 'vitest';
import {
  compileIpRules,
  parseAddress,
  parseCidr,
  type IpDecision,
  type IpRuleInput,
} from '../../src/domain/ipRules.ts';

const allow = (cidr: string, level: IpRuleInput['level'] = 'KEY', id?: string): IpRuleInput => ({
  action: 'ALLOW',
  cidr,
  level,
  ...(id === undefined ? {} : { id }),
});
const deny = (cidr: string, level: IpRuleInput['level'] = 'KEY', id?: string): IpRuleInput => ({
  action: 'DENY',
  cidr,
  level,
  ...(id === undefined ? {} : { id }),
});

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8', 8],
    ['10.0.0.1/8', '10.0.0.0/8', 8], // host bits accepted and cleared
    ['192.168.1.77/24', '192.168.1.0/24', 24],
    ['1.2.3.4', '1.2.3.4/32', 32],
    ['1.2.3.4/32', '1.2.3.4/32', 32],
    ['0.0.0.0/0', '0.0.0.0/0', 0],
    ['255.255.255.255/0', '0.0.0.0/0', 0],
    ['::1', '::1/128', 128],
    ['::/0', '::/0', 0],
    ['2001:db8::/32', '2001:db8::/32', 32],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001/64', '2001:db8::/64', 64],
    ['2001:db8::1/128', '2001:db8::1/128', 128],
    ['::ffff:10.0.0.0/104', '::ffff:10.0.0.0/104', 104], // mapped input keeps IPv6 form
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4/128', 128],
  ])('accepts %s as %s', (input, normalized, prefixLength) => {
    const result = parseCidr(input);
    expect(result).toMatchObject({ ok: true, normalized });
    if (result.ok) expect(result.cidr.prefixLength).toBe(prefixLength);
  });

  it.each([
    '10.0.0.0/33',
    '1.2.3',
    '::gggg',
    '',
    '1.2.3.4/-1',
    '1.2.3.4/',
    '/8',
    ' 10.0.0.0/8',
    '10.0.0.0/8 ',
    '10.0.0.0/8x',
    'x10.0.0.0/8',
    '10.0.0.0/8/8',
    '10.0.0.0/08',
    '10.0.0.0/+8',
    '256.0.0.0',
    '010.0.0.1', // octal notation
    '0x7f.0.0.1', // hex notation
    '16909060', // a 32-bit number
    '1.2.3.4.5',
    '::/129',
    '1:2:3:4:5:6:7',
    '1::2::3',
    'fe80::1%eth0',
    '[::1]',
    '::ffff:0x7f.0.0.1',
    'localhost',
  ])('rejects %j with a message naming the value', (input) => {
    expect(parseCidr(input)).toEqual({ ok: false, message: `"${input}" is not a valid IP address or CIDR` });
  });
});

describe('parseAddress', () => {
  it.each([
    ['1.2.3.4', 'ipv4', '1.2.3.4'],
    ['::1', 'ipv6', '::1'],
    ['[::1]', 'ipv6', '::1'],
    ['2001:DB8:0:0::1', 'ipv6', '2001:db8::1'],
    ['::ffff:1.2.3.4', 'ipv4', '1.2.3.4'],
    ['::ffff:102:304', 'ipv4', '1.2.3.4'],
    ['[::ffff:127.0.0.1]', 'ipv4', '127.0.0.1'],
    ['fe80::1%eth0', 'ipv6', 'fe80::1'],
    ['[fe80::1%25]', 'ipv6', 'fe80::1'],
  ])('parses %s', (input, kind, text) => {
    const address = parseAddress(input);
    expect(address?.kind()).toBe(kind);
    expect(address?.toString()).toBe(text);
  });

  it.each(['', '1.2.3', '1.2.3.4:80', '[::1]:80', '[::1', '::1]', 'fe80::1%', 'fe80::1%a b', 'nope', '1.2.3.4/32'])(
    'rejects %j',
    (input) => {
      expect(parseAddress(input)).toBeNull();
    },
  );
});

const ALLOWED: IpDecision = { allowed: true };

describe('compiled rules evaluating one address', () => {
  it.each<[string, string, IpRuleInput[], IpDecision]>([
    ['no rules: anything passes', '203.0.113.9', [], ALLOWED],
    ['no rules: even an invalid address passes', 'garbage', [], ALLOWED],
    ['IPv4 inside allow', '10.1.2.3', [allow('10.0.0.0/8')], ALLOWED],
    ['IPv4 outside allow', '11.0.0.1', [allow('10.0.0.0/8')], { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['first address of a range', '192.168.1.0', [allow('192.168.1.0/24')], ALLOWED],
    ['last address of a range', '192.168.1.255', [allow('192.168.1.0/24')], ALLOWED],
    ['just before a range', '192.168.0.255', [allow('192.168.1.0/24')], { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['just after a range', '192.168.2.0', [allow('192.168.1.0/24')], { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['/32 matches exactly', '1.2.3.4', [allow('1.2.3.4/32')], ALLOWED],
    ['/32 neighbour', '1.2.3.5', [allow('1.2.3.4')], { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['IPv4 /0 matches all IPv4', '255.255.255.255', [allow('0.0.0.0/0')], ALLOWED],
    ['IPv4 /0 does not match IPv6', '2001:db8::1', [allow('0.0.0.0/0')], { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['IPv6 inside allow', '2001:db8:1::5', [allow('2001:db8::/32')], ALLOWED],
    ['IPv6 last address of /64', '2001:db8::ffff:ffff:ffff:ffff', [allow('2001:db8::/64')], ALLOWED],
    ['IPv6 just after /64', '2001:db8:0:1::', [allow('2001:db8::/64')], { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['IPv6 /128', '::1', [allow('::1/128')], ALLOWED],
    ['IPv6 /128 neighbour', '::2', [allow('::1/128')], { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['IPv6 /0 matches all IPv6', 'ffff::1', [allow('::/0')], ALLOWED],
    ['IPv6 /0 does not match IPv4', '1.2.3.4', [allow('::/0')], { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['IPv6 deny does not touch IPv4', '1.2.3.4', [deny('::/0')], ALLOWED],
    ['mapped address matches IPv4 rule', '::ffff:10.0.0.7', [allow('10.0.0.0/8')], ALLOWED],
    ['mapped address hits IPv4 deny', '::ffff:10.0.0.7', [deny('10.0.0.0/8', 'KEY', 'r1')],
      { allowed: false, level: 'KEY', reason: 'DENIED', ruleId: 'r1', cidr: '10.0.0.0/8' }],
    ['mapped rule matches IPv4 address', '10.0.0.7', [allow('::ffff:10.0.0.0/104')], ALLOWED],
    ['mapped rule excludes other IPv4', '11.0.0.7', [allow('::ffff:10.0.0.0/104')], { allowed: false, level: 'KEY', reason: 'NOT_ALLOWED' }],
    ['overlap at one level: deny wins', '10.0.0.5', [allow('10.0.0.0/8', 'KEY', 'a'), deny('10.0.0.0/24', 'KEY', 'd')],
      { allowed: false, level: 'KEY', reason: 'DENIED', ruleId: 'd', cidr: '10.0.0.0/24' }],
    ['overlap at one level: outside deny passes', '10.0.1.5', [allow('10.0.0.0/8'), deny('10.0.0.0/24')], ALLOWED],
    ['identical allow and deny: deny wins', '10.0.0.5', [deny('10.0.0.0/8', 'KEY', 'd'), allow('10.0.0.0/8', 'KEY', 'a')],
      { allowed: false, level: 'KEY', reason: 'DENIED', ruleId: 'd', cidr: '10.0.0.0/8' }],
    ['allow at tenant + deny at key', '10.0.0.5', [allow('10.0.0.0/8', 'TENANT'), deny('10.0.0.5', 'KEY', 'k')],
      { allowed: false, level: 'KEY', reason: 'DENIED', ruleId: 'k', cidr: '10.0.0.5' }],
    ['allow at tenant + deny at key, other address', '10.0.0.6', [allow('10.0.0.0/8', 'TENANT'), deny('10.0.0.5', 'KEY')], ALLOWED],
    ['every level must allow', '10.0.0.5', [allow('10.0.0.0/8', 'TENANT'), allow('192.168.0.0/16', 'GROUP'), allow('10.0.0.0/24', 'KEY')],
      { allowed: false, level: 'GROUP', reason: 'NOT_ALLOWED' }],
    ['all levels allow', '10.0.0.5', [allow('10.0.0.0/8', 'TENANT'), allow('10.0.0.0/16', 'GROUP'), allow('10.0.0.0/24', 'KEY')], ALLOWED],
    ['tenant refusal reported before key refusal', '8.8.8.8', [allow('10.0.0.0/8', 'TENANT'), deny('8.8.8.8', 'KEY')],
      { allowed: false, level: 'TENANT', reason: 'NOT_ALLOWED' }],
    ['evaluation order does not depend on input order', '8.8.8.8', [deny('8.8.8.8', 'KEY'), deny('8.0.0.0/8', 'GROUP', 'g')],
      { allowed: false, level: 'GROUP', reason: 'DENIED', ruleId: 'g', cidr: '8.0.0.0/8' }],
    ['level with only denies: others pass', '1.1.1.1', [deny('10.0.0.0/8', 'GROUP')], ALLOWED],
    ['level with only denies: denied', '10.9.9.9', [deny('10.0.0.0/8', 'GROUP')],
      { allowed: false, level: 'GROUP', reason: 'DENIED', cidr: '10.0.0.0/8' }],
    ['deny /0 denies everything IPv4', '1.1.1.1', [deny('0.0.0.0/0', 'TENANT', 't')],
      { allowed: false, level: 'TENANT', reason: 'DENIED', ruleId: 't', cidr: '0.0.0.0/0' }],
    ['one of several allows matches', '172.16.5.5', [allow('10.0.0.0/8'), allow('172.16.0.0/12'), allow('2001:db8::/32')], ALLOWED],
    ['invalid address with rules', 'not-an-ip', [allow('10.0.0.0/8', 'GROUP')], { allowed: false, level: 'GROUP', reason: 'INVALID_ADDRESS' }],
    ['invalid address with deny-only rules', '1.2.3', [deny('10.0.0.0/8', 'KEY')], { allowed: false, level: 'KEY', reason: 'INVALID_ADDRESS' }],
    ['invalid address reports first level with rules', '', [deny('10.0.0.0/8', 'KEY'), allow('1.0.0.0/8', 'TENANT')],
      { allowed: false, level: 'TENANT', reason: 'INVALID_ADDRESS' }],
    ['bracketed IPv6 address', '[2001:db8::1]', [allow('2001:db8::/32')], ALLOWED],
  ])('%s', (_name, address, rules, expected) => {
    expect(compileIpRules(rules).evaluate(address)).toEqual(expected);
  });
});

describe('compileIpRules', () => {
  it('compiles once and evaluates many addresses', () => {
    const compiled = compileIpRules([allow('10.0.0.0/8', 'TENANT'), deny('10.0.0.13', 'KEY', 'bad')]);
    expect(compiled.size).toBe(2);
    expect(compiled.evaluate('10.0.0.12')).toEqual(ALLOWED);
    expect(compiled.evaluate('10.0.0.13')).toMatchObject({ allowed: false, reason: 'DENIED', ruleId: 'bad' });
    expect(compiled.evaluate(parseAddress('::ffff:10.0.0.12')!)).toEqual(ALLOWED);
  });

  it('throws on a stored invalid CIDR, naming it', () => {
    expect(() => compileIpRules([allow('10.0.0.0/33', 'KEY', 'r9')])).toThrow(
      'IP rule r9: "10.0.0.0/33" is not a valid IP address or CIDR',
    );
  });
});
