import { z } from 'zod';
import type { Context } from '../appTypes.ts';
import { decideAccess, ipRuleInputs, type AccessDecision, type AccessInput } from '../domain/access.ts';
import { NotFoundError } from '../domain/errors.ts';
import { parseAddress } from '../domain/ipRules.ts';
import type { ApiKey, IpRule } from '../generated/prisma/client.ts';
import type { Tx } from './audit.ts';
import { scopeNameList } from './inputs.ts';
import { parseInput } from './validation.ts';

/**
 * Everything `decideAccess` needs about one key, read in one query plus one for its IP rules
 * (tenant-wide, its group's and its own), through the caller's tenant-confined client.
 */
async function loadAccessSubject(db: Tx, keyId: string) {
  const key = await db.apiKey.findUnique({
    where: { id: keyId },
    include: { group: true, tenant: true, owner: { include: { role: true } } },
  });
  if (!key) return null;
  const ipRules = await db.ipRule.findMany({
    where: {
      OR: [
        { groupId: null, apiKeyId: null },
        { apiKeyId: key.id },
        ...(key.groupId ? [{ groupId: key.groupId, apiKeyId: null }] : []),
      ],
    },
    orderBy: { id: 'asc' },
  });
  const input: Omit<AccessInput, 'now' | 'ip' | 'endpoint' | 'endpointAllowed' | 'requiredScopes'> = {
    key,
    group: key.group,
    tenant: key.tenant,
    ownerRole: key.owner.role,
    ownerActive: key.owner.status === 'ACTIVE',
    ipRules: ipRuleInputs(ipRules),
  };
  return { key, ipRules, input };
}

const addressArg = z.string().trim().refine((ip) => parseAddress(ip) !== null, { message: 'is not a valid IPv4 or IPv6 address' });
const endpointArg = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .regex(/^(?:[A-Za-z]+ )?\/\S*$/, 'must be "/path" or "METHOD /path"')
  .nullish();
const scopesArg = scopeNameList.nullish();

export interface AccessExplanation extends AccessDecision {
  apiKey: ApiKey;
  /** The DENY rule that refused the address, when one did. */
  ipRule: IpRule | null;
}

/** Why the key would be accepted or refused for this address, endpoint and scopes, right now. */
export async function explainAccess(
  ctx: Context,
  args: { keyId: string; ip: string; endpoint?: string | null; scopes?: readonly string[] | null },
): Promise<AccessExplanation> {
  // Top-level arguments: each is validated under its own name (field path ["ip"], ["scopes", 1]).
  const ip = parseInput(addressArg, args.ip, 'ip');
  const endpoint = parseInput(endpointArg, args.endpoint, 'endpoint');
  const requiredScopes = parseInput(scopesArg, args.scopes, 'scopes') ?? [];
  const subject = await loadAccessSubject(ctx.db, args.keyId);
  if (!subject) throw new NotFoundError('ApiKey', args.keyId);
  // No endpoint asked about: the endpoint check is skipped rather than failed.
  const decision = decideAccess({ ...subject.input, now: ctx.app.clock(), ip, endpoint: endpoint ?? undefined, requiredScopes });
  const refusingRuleId = decision.ip.allowed ? undefined : decision.ip.ruleId;
  return {
    ...decision,
    apiKey: subject.key,
    ipRule: subject.ipRules.find((rule) => rule.id === refusingRuleId) ?? null,
  };
}
