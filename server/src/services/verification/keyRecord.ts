import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import type { AccessInput } from '../../domain/access.ts';
import type { CachedAccessDecision } from './codes.ts';
import { compileEndpointMatcher, ALL_ENDPOINTS } from '../../domain/endpoints.ts';
import { compileIpRules, type CompiledIpRules, type IpRuleInput } from '../../domain/ipRules.ts';
import { compileLimits, defaultLimitOf, readNamedLimits, type ChargeableLimit } from '../../domain/limits.ts';
import { effectiveScopes, roleScopes, type ScopeSet } from '../../domain/scopes.ts';

/**
 * Everything a verification needs about one key, read in one go and compiled once: the key, its
 * group's limits, its owner's role, its tenant's flags, and the IP rules of all three levels.
 * Cached by public id until a change to any of them is announced (see invalidationBus.ts).
 */
export interface KeyRecord {
  id: string;
  tenantId: string;
  publicId: string;
  name: string;
  ownerId: string;
  groupId: string | null;
  status: 'ACTIVE' | 'DISABLED' | 'REVOKED';
  /** False when the owner is deactivated: a key never acts for someone who cannot act. */
  ownerActive: boolean;
  expiresAt: Date | null;
  metadata: unknown;
  /** The integrator's id of the key's identity (its customer or user), when it has one. */
  externalId: string | null;
  secretHash: string;
  previousSecretHash: string | null;
  previousSecretExpiresAt: Date | null;
  /** Which secret secretHash is (previousSecretHash is the one before). */
  secretVersion: number;
  /** Set while a rotation waits for the first use of the current secret (see keys/firstUse.ts). */
  rotationWaitUntil: Date | null;
  /** The key itself is accepted only by the OAuth routes; its access tokens act everywhere. */
  tokenExchangeOnly: boolean;
  /** A honeytoken: every use answers as an unknown key and is recorded (canary.ts). */
  canary: boolean;
  /** Key scopes ∩ owner's role scopes ∩ group scope limit (when the group limits). */
  scopes: ScopeSet;
  /** The same, as the sorted list verification answers with. */
  scopeList: string[];
  tenant: { status: 'ACTIVE' | 'SUSPENDED'; apiEnabled: boolean; allowQueryParamKey: boolean };
  /** What domain/access.ts decideAccess needs about the key, compiled once (IP rules, endpoints). */
  access: Pick<AccessInput, 'key' | 'group' | 'tenant' | 'ownerRole' | 'ownerActive' | 'ipRules' | 'endpointAllowed'>;
  /**
   * Every rate limit the key is subject to, by name (`default`: the unnamed one, from the key or
   * else its group); the identity's limits are listed beside the key's own. Empty: unlimited.
   */
  limits: Map<string, ChargeableLimit[]>;
  /** The key has usage credits (remainingUses is set): each valid use decrements them in the database. */
  usageLimited: boolean;
  /** Verdicts already reached for this record (see decide.ts); dropped with the record. */
  decisions: Map<string, CachedAccessDecision>;
}

const include = {
  tenant: { include: { ipRules: { where: { groupId: null, apiKeyId: null } } } },
  group: { include: { ipRules: { where: { apiKeyId: null } } } },
  owner: { include: { role: true } },
  ipRules: true,
  identity: true,
} as const;

export type KeyLookup = { publicId: string } | { id: string };

/** Reads and compiles one key; null when there is no such key. */
export async function loadKeyRecord(prisma: PrismaClient, lookup: KeyLookup, logger: Logger): Promise<KeyRecord | null> {
  const key = await prisma.apiKey.findUnique({ where: lookup as { publicId: string }, include });
  if (!key) return null;
  const rules: IpRuleInput[] = [
    ...key.tenant.ipRules.map((r) => ({ id: r.id, action: r.action, cidr: r.cidr, level: 'TENANT' as const })),
    ...(key.group?.ipRules ?? []).map((r) => ({ id: r.id, action: r.action, cidr: r.cidr, level: 'GROUP' as const })),
    ...key.ipRules.map((r) => ({ id: r.id, action: r.action, cidr: r.cidr, level: 'KEY' as const })),
  ];
  const group = key.group;
  const limits = compileLimits({
    keyId: key.id,
    key: { default: defaultLimitOf(key), named: readNamedLimits(key.rateLimits) },
    group: group ? { default: defaultLimitOf(group), named: readNamedLimits(group.rateLimits) } : null,
    identity: key.identity ? { id: key.identity.id, default: defaultLimitOf(key.identity), named: readNamedLimits(key.identity.rateLimits) } : null,
  });
  const endpoints = key.endpoints ?? [ALL_ENDPOINTS];
  const scopes = effectiveScopes({
    keyScopes: key.scopes ?? [],
    ownerRoleScopes: roleScopes(key.owner.role),
    groupScopeLimit: group?.limitsScopes ? group.scopeLimit : null,
  });
  return {
    id: key.id,
    tenantId: key.tenantId,
    publicId: key.publicId,
    name: key.name,
    ownerId: key.ownerId,
    groupId: key.groupId,
    status: key.status,
    ownerActive: key.owner.status === 'ACTIVE',
    expiresAt: key.expiresAt,
    metadata: key.metadata,
    externalId: key.identity?.externalId ?? null,
    secretHash: key.secretHash,
    previousSecretHash: key.previousSecretHash,
    previousSecretExpiresAt: key.previousSecretExpiresAt,
    secretVersion: key.secretVersion,
    rotationWaitUntil: key.rotationWaitUntil,
    tokenExchangeOnly: key.tokenExchangeOnly,
    canary: key.canary,
    scopes,
    scopeList: scopes.toArray(),
    tenant: { status: key.tenant.status, apiEnabled: key.tenant.apiEnabled, allowQueryParamKey: key.tenant.allowQueryParamKey },
    access: {
      key: { status: key.status, expiresAt: key.expiresAt, scopes: key.scopes ?? [], endpoints },
      group: group ? { limitsScopes: group.limitsScopes, scopeLimit: group.scopeLimit } : null,
      tenant: { status: key.tenant.status, apiEnabled: key.tenant.apiEnabled },
      ownerRole: { builtIn: key.owner.role.builtIn, scopes: key.owner.role.scopes },
      ownerActive: key.owner.status === 'ACTIVE',
      ipRules: compileOrRefuse(() => compileIpRules(rules), REFUSE_ALL_IPS, key.id, logger),
      endpointAllowed: compileOrRefuse(() => compileEndpointMatcher(endpoints), () => false, key.id, logger),
    },
    limits,
    usageLimited: key.remainingUses !== null,
    decisions: new Map(),
  };
}

const REFUSE_ALL_IPS: CompiledIpRules = {
  size: 1,
  evaluate: () => ({ allowed: false, level: 'KEY', reason: 'INVALID_ADDRESS' }),
};

/** Stored rules are validated on write; one that does not compile is corrupt data and refuses (fails closed). */
function compileOrRefuse<T>(compile: () => T, refuse: T, keyId: string, logger: Logger): T {
  try {
    return compile();
  } catch (error) {
    logger.error({ keyId, err: error }, 'stored IP rule or endpoint pattern does not compile; refusing the key');
    return refuse;
  }
}
