/**
 * IP rules: ALLOW / DENY a CIDR at tenant, group or key level.
 *
 * An address passes when, at EVERY level, no DENY matches and, where that level has at least one
 * ALLOW, one ALLOW matches. Levels are evaluated tenant → group → key and the first refusal is
 * reported, so `explainAccess` can say which level and rule refused the request.
 *
 * All parsing and matching goes through ipaddr.js. We are stricter than ipaddr.js on input,
 * because it also accepts legacy notations (`1.2.3` = 1.2.0.3, `0x7f.1`, octal `010.0.0.1`,
 * a bare 32-bit number) that make a rule mean something other than what its author read.
 *
 * Decisions:
 * - A bare address is a host route: `10.0.0.1` → `10.0.0.1/32`, `::1` → `::1/128`.
 * - Host bits are accepted and cleared: `10.0.0.1/8` → `10.0.0.0/8` (the `normalized` value is
 *   what should be stored and shown).
 * - IPv4 octets must be plain decimal without leading zeros; the prefix length must be plain
 *   decimal without leading zeros or sign; surrounding whitespace counts as junk (callers trim).
 * - Zone ids (`fe80::1%eth0`) and brackets are rejected in CIDRs: a rule cannot name an interface.
 * - IPv4-mapped IPv6 CIDRs (`::ffff:10.0.0.0/104`) keep their IPv6 form when normalized, but are
 *   matched as the equivalent IPv4 CIDR because request addresses are normalized to IPv4
 *   (see `parseAddress`). Other IPv6 CIDRs match IPv6 addresses only, so `::/0` means "all IPv6"
 *   and never catches IPv4 clients; `0.0.0.0/0` means "all IPv4".
 */
import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

export type IpRuleLevel = 'TENANT' | 'GROUP' | 'KEY';
export type IpRuleAction = 'ALLOW' | 'DENY';

/** Evaluation order; also the order in which refusals are reported. */
export const IP_RULE_LEVELS: readonly IpRuleLevel[] = ['TENANT', 'GROUP', 'KEY'];

export interface IpRuleInput {
  action: IpRuleAction;
  cidr: string;
  level: IpRuleLevel;
  id?: string;
}

export interface ParsedCidr {
  /** Network address (host bits cleared), in the family the CIDR was written in. */
  readonly network: IpAddress;
  readonly prefixLength: number;
  /** What addresses are matched against: IPv4-mapped IPv6 ranges are matched as IPv4. */
  readonly range: [IpAddress, number];
}

export type ParseCidrResult =
  | { ok: true; cidr: ParsedCidr; normalized: string }
  | { ok: false; message: string };

export type IpDenialReason = 'DENIED' | 'NOT_ALLOWED' | 'INVALID_ADDRESS';

export type IpDecision =
  | { allowed: true }
  | {
      allowed: false;
      level: IpRuleLevel;
      reason: IpDenialReason;
      /** The matching DENY rule (reason DENIED only). */
      ruleId?: string;
      cidr?: string;
    };

export interface CompiledIpRules {
  /** Number of rules compiled; 0 means every address (even an unparseable one) passes. */
  readonly size: number;
  evaluate(address: string | IpAddress): IpDecision;
}

const PREFIX_RE = /^(0|[1-9][0-9]{0,2})$/;
const DOTTED_TAIL_RE = /(\d+\.\d+\.\d+\.\d+)$/;

function invalidCidrMessage(value: string): string {
  return `"${value}" is not a valid IP address or CIDR`;
}

/** Strict IPv4: four plain decimal octets. */
function parseStrictIPv4(text: string): ipaddr.IPv4 | null {
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : null;
}

/**
 * Strict IPv6 without zone id or brackets. An embedded dotted IPv4 tail must itself be strict
 * (ipaddr.js would otherwise accept `::ffff:0x7f.1.1.1`).
 */
function parseStrictIPv6(text: string): ipaddr.IPv6 | null {
  if (!text.includes(':') || text.includes('%')) return null;
  const tail = DOTTED_TAIL_RE.exec(text);
  if (tail?.[1] !== undefined && !ipaddr.IPv4.isValidFourPartDecimal(tail[1])) return null;
  if (text.includes('.') && tail === null) return null;
  return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : null;
}

function parseStrictIp(text: string): IpAddress | null {
  return text.includes(':') ? parseStrictIPv6(text) : parseStrictIPv4(text);
}

function isIPv6(address: IpAddress): address is ipaddr.IPv6 {
  return address.kind() === 'ipv6';
}

/** Canonical text: RFC 5952 for IPv6, with the mixed `::ffff:a.b.c.d` form for mapped addresses. */
function formatAddress(address: IpAddress): string {
  if (isIPv6(address) && address.isIPv4MappedAddress()) {
    return `::ffff:${address.toIPv4Address().toString()}`;
  }
  return address.toString();
}

/** Parses a rule value: a bare IPv4/IPv6 address or a CIDR. See the module comment for the rules. */
export function parseCidr(value: string): ParseCidrResult {
  const fail = { ok: false as const, message: invalidCidrMessage(value) };
  const slash = value.indexOf('/');
  const addressText = slash === -1 ? value : value.slice(0, slash);
  const prefixText = slash === -1 ? null : value.slice(slash + 1);

  const address = parseStrictIp(addressText);
  if (address === null) return fail;

  const maxPrefix = isIPv6(address) ? 128 : 32;
  let prefixLength = maxPrefix;
  if (prefixText !== null) {
    if (!PREFIX_RE.test(prefixText)) return fail;
    prefixLength = Number(prefixText);
    if (prefixLength > maxPrefix) return fail;
  }

  // Inputs are validated above, so ipaddr.js's own CIDR helpers cannot throw here.
  const cidrText = `${address.toString()}/${prefixLength}`;
  const network: IpAddress = isIPv6(address)
    ? ipaddr.IPv6.networkAddressFromCIDR(cidrText)
    : ipaddr.IPv4.networkAddressFromCIDR(cidrText);

  let range: [IpAddress, number] = [network, prefixLength];
  if (isIPv6(network) && network.isIPv4MappedAddress() && prefixLength >= 96) {
    range = [network.toIPv4Address(), prefixLength - 96];
  }

  return {
    ok: true,
    cidr: { network, prefixLength, range },
    normalized: `${formatAddress(network)}/${prefixLength}`,
  };
}

/**
 * Parses a request address. IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack socket reports
 * for IPv4 clients) becomes IPv4 so that IPv4 rules apply. Brackets (`[::1]`) are removed and a
 * zone id (`fe80::1%eth0`) is dropped: rules cannot name interfaces, so the zone cannot matter.
 * Returns null for anything else (ports included: strip them before calling).
 */
export function parseAddress(value: string): IpAddress | null {
  let text = value;
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const percent = text.indexOf('%');
  if (percent !== -1) {
    const zone = text.slice(percent + 1);
    if (!/^[0-9a-z._-]+$/i.test(zone)) return null;
    text = text.slice(0, percent);
  }
  const address = parseStrictIp(text);
  if (address === null) return null;
  return isIPv6(address) && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

/** True when `address` (as returned by `parseAddress`) lies in `cidr`. */
export function cidrContains(cidr: ParsedCidr, address: IpAddress): boolean {
  const [network, bits] = cidr.range;
  // ipaddr.js throws when families differ; different families simply do not match.
  return network.kind() === address.kind() && address.match(network, bits);
}

interface CompiledRule {
  action: IpRuleAction;
  cidr: ParsedCidr;
  text: string;
  id: string | undefined;
}

interface CompiledLevel {
  level: IpRuleLevel;
  denies: CompiledRule[];
  allows: CompiledRule[];
}

/**
 * Parses every CIDR once (per key, not per request). Throws when a stored CIDR is invalid:
 * values are validated on write, so this means corrupt data and must not silently widen access.
 */
export function compileIpRules(rules: readonly IpRuleInput[]): CompiledIpRules {
  const levels: CompiledLevel[] = IP_RULE_LEVELS.map((level) => ({ level, denies: [], allows: [] }));
  for (const rule of rules) {
    const parsed = parseCidr(rule.cidr);
    if (!parsed.ok) {
      throw new Error(`IP rule${rule.id === undefined ? '' : ` ${rule.id}`}: ${parsed.message}`);
    }
    const level = levels.find((l) => l.level === rule.level);
    if (level === undefined) throw new Error(`IP rule: unknown level "${String(rule.level)}"`);
    const compiled: CompiledRule = { action: rule.action, cidr: parsed.cidr, text: rule.cidr, id: rule.id };
    (rule.action === 'DENY' ? level.denies : level.allows).push(compiled);
  }
  const active = levels.filter((l) => l.denies.length > 0 || l.allows.length > 0);

  return {
    size: rules.length,
    evaluate(input: string | IpAddress): IpDecision {
      const first = active[0];
      if (first === undefined) return { allowed: true };
      const address = typeof input === 'string' ? parseAddress(input) : input;
      if (address === null) {
        return { allowed: false, level: first.level, reason: 'INVALID_ADDRESS' };
      }
      for (const level of active) {
        const deny = level.denies.find((r) => cidrContains(r.cidr, address));
        if (deny !== undefined) {
          return {
            allowed: false,
            level: level.level,
            reason: 'DENIED',
            ...(deny.id === undefined ? {} : { ruleId: deny.id }),
            cidr: deny.text,
          };
        }
        if (level.allows.length > 0 && !level.allows.some((r) => cidrContains(r.cidr, address))) {
          return { allowed: false, level: level.level, reason: 'NOT_ALLOWED' };
        }
      }
      return { allowed: true };
    },
  };
}
