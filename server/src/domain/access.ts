/**
 * The access decision: would this key be accepted for this request? One pure function shared by
 * `explainAccess` (which shows the whole verdict to an administrator) and verification (which
 * only needs `allowed` and `code`), so the two can never disagree.
 *
 * Decisions:
 * - Checks run in a fixed order and the FIRST failure is the code: tenant switched off, revoked,
 *   expired, disabled (key, or its owner deactivated), IP rules, endpoint, scopes. Revoked comes
 *   before expired and expired before disabled because the earlier state is the harder one to
 *   undo: enabling an expired key would not make it work, extending a revoked one neither.
 * - Effective and missing scopes are computed whatever the code, so an explanation of a disabled
 *   key still says what it would be allowed to do once enabled.
 * - Displayed status uses the same precedence (REVOKED, EXPIRED, DISABLED, ACTIVE), so the status
 *   column, the status filter and this decision agree to the second.
 */
import { isExpired } from './expiry.ts';
import { compileEndpointMatcher, endpointPathProblem } from './endpoints.ts';
import { compileIpRules, type CompiledIpRules, type IpDecision, type IpRuleInput, type IpRuleLevel } from './ipRules.ts';
import { effectiveScopes, roleScopes, scopeSet, type BuiltIn } from './scopes.ts';

export type StoredKeyStatus = 'ACTIVE' | 'DISABLED' | 'REVOKED';
export type KeyStatus = StoredKeyStatus | 'EXPIRED';

export type AccessCode =
  | 'VALID'
  | 'DISABLED'
  | 'REVOKED'
  | 'EXPIRED'
  | 'IP_NOT_ALLOWED'
  | 'ENDPOINT_NOT_ALLOWED'
  | 'INSUFFICIENT_SCOPES'
  | 'TENANT_DISABLED';

export const ACCESS_CODES: readonly AccessCode[] = [
  'VALID', 'DISABLED', 'REVOKED', 'EXPIRED', 'IP_NOT_ALLOWED', 'ENDPOINT_NOT_ALLOWED', 'INSUFFICIENT_SCOPES', 'TENANT_DISABLED',
];

export interface AccessKey {
  status: StoredKeyStatus;
  expiresAt: Date | null;
  scopes: readonly string[];
  endpoints: readonly string[];
}

export interface AccessInput {
  key: AccessKey;
  group: { limitsScopes: boolean; scopeLimit: readonly string[] } | null;
  tenant: { status: 'ACTIVE' | 'SUSPENDED'; apiEnabled: boolean };
  ownerRole: { builtIn: BuiltIn | null; scopes: readonly string[] };
  /** A deactivated owner lends the key nothing; defaults to active. */
  ownerActive?: boolean;
  /** Tenant, group and key rules together (see `ipRuleInputs`), or compiled once by the caller. */
  ipRules: readonly IpRuleInput[] | CompiledIpRules;
  now: Date;
  /** The client address; null when unknown, which any IP rule refuses (fail closed). */
  ip: string | null;
  /**
   * `/path` or `METHOD /path`. undefined: not checked. null: not given, which a key limited to
   * some endpoints refuses (fail closed).
   */
  endpoint?: string | null;
  /** The key's endpoints compiled once by the caller (verification caches it); else compiled here. */
  endpointAllowed?: (endpoint: string) => boolean;
  requiredScopes?: readonly string[];
}

export interface AccessDecision {
  allowed: boolean;
  code: AccessCode;
  /** One sentence for an administrator; never contains key material. */
  detail: string;
  /** Sorted; key scopes are always a finite list, so this is too. */
  effectiveScopes: string[];
  /** Required scopes the key does not effectively hold, in the order asked. */
  missingScopes: string[];
  /** The IP rule verdict, with the refusing level and rule when refused. */
  ip: IpDecision;
}

/** The status a key shows at `now`: EXPIRED is derived, never stored. */
export function keyStatusAt(key: { status: StoredKeyStatus; expiresAt: Date | null }, now: Date): KeyStatus {
  if (key.status === 'REVOKED') return 'REVOKED';
  if (isExpired(key.expiresAt, now)) return 'EXPIRED';
  return key.status;
}

/** A rule row's level: no group and no key = tenant-wide. */
export function ipRuleLevelOf(rule: { groupId: string | null; apiKeyId: string | null }): IpRuleLevel {
  if (rule.apiKeyId !== null) return 'KEY';
  if (rule.groupId !== null) return 'GROUP';
  return 'TENANT';
}

/** Stored rule rows → the evaluator's input. */
export function ipRuleInputs(
  rows: readonly { id: string; action: 'ALLOW' | 'DENY'; cidr: string; groupId: string | null; apiKeyId: string | null }[],
): IpRuleInput[] {
  return rows.map((row) => ({ id: row.id, action: row.action, cidr: row.cidr, level: ipRuleLevelOf(row) }));
}

/** Key scopes ∩ owner's role ∩ group limit (when the group limits), as a sorted list. */
export function keyEffectiveScopes(input: { key: Pick<AccessKey, 'scopes'> } & Pick<AccessInput, 'group' | 'ownerRole'>): string[] {
  return effectiveScopes({
    keyScopes: input.key.scopes,
    ownerRoleScopes: roleScopes(input.ownerRole),
    groupScopeLimit: input.group?.limitsScopes ? input.group.scopeLimit : null,
  }).toArray();
}

export function decideAccess(input: AccessInput): AccessDecision {
  const granted = keyEffectiveScopes(input);
  const missingScopes = scopeSet(granted).missing(input.requiredScopes ?? []);
  const rules = isCompiled(input.ipRules) ? input.ipRules : compileIpRules(input.ipRules);
  // An empty address parses as invalid: refused by any rule, allowed when there are none.
  const ip = rules.evaluate(input.ip ?? '');
  const verdict = (code: AccessCode, detail: string): AccessDecision => ({
    allowed: code === 'VALID', code, detail, effectiveScopes: granted, missingScopes, ip,
  });

  if (input.tenant.status !== 'ACTIVE') return verdict('TENANT_DISABLED', 'The tenant is suspended');
  if (!input.tenant.apiEnabled) return verdict('TENANT_DISABLED', "The tenant's API is switched off");

  const status = keyStatusAt(input.key, input.now);
  if (status === 'REVOKED') return verdict('REVOKED', 'The key is revoked');
  if (status === 'EXPIRED') return verdict('EXPIRED', `The key expired at ${input.key.expiresAt!.toISOString()}`);
  if (status === 'DISABLED') return verdict('DISABLED', 'The key is disabled');
  if (input.ownerActive === false) return verdict('DISABLED', "The key's owner is deactivated");

  if (!ip.allowed) return verdict('IP_NOT_ALLOWED', describeIpRefusal(input.ip, ip));

  if (input.endpoint !== undefined) {
    const endpointAllowed = input.endpointAllowed ?? compileEndpointMatcher(input.key.endpoints);
    // No endpoint given matches only a key allowed everywhere.
    if (!endpointAllowed(input.endpoint ?? '')) {
      const problem = input.endpoint === null ? null : endpointPathProblem(input.endpoint);
      return verdict(
        'ENDPOINT_NOT_ALLOWED',
        input.endpoint === null
          ? 'No endpoint was given and the key is limited to some endpoints'
          : problem !== null
            ? `The endpoint "${input.endpoint}" is refused: ${problem}`
            : `The endpoint "${input.endpoint}" matches none of the key's allowed endpoints`,
      );
    }
  }

  if (missingScopes.length > 0) {
    return verdict('INSUFFICIENT_SCOPES', `The key does not effectively hold: ${missingScopes.join(', ')}`);
  }
  return verdict('VALID', 'The key would be accepted');
}

function isCompiled(rules: AccessInput['ipRules']): rules is CompiledIpRules {
  return typeof (rules as CompiledIpRules).evaluate === 'function';
}

function describeIpRefusal(address: string | null, decision: Extract<IpDecision, { allowed: false }>): string {
  const level = decision.level.toLowerCase();
  switch (decision.reason) {
    case 'INVALID_ADDRESS':
      return address === null ? `No client address was given and the ${level} has IP rules` : `"${address}" is not a valid IP address`;
    case 'DENIED':
      return `${address} is denied by the ${level}-level rule ${decision.cidr ?? ''}`.trimEnd();
    case 'NOT_ALLOWED':
      return `${address} matches none of the ${level}-level ALLOW rules`;
  }
}
