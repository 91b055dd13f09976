import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Caller } from '../domain/caller.ts';
import { scopeToTenant } from './tenantScope.ts';

// Anonymous callers can reach only public fields; their client still sees no tenant's data.
const NO_TENANT = 'ten_none';

/**
 * The client a caller works through: confined to its tenant, the whole database for the operator.
 * `unscoped` is the base client, or a mutation's transaction (the client then works inside it).
 */
export function clientFor(caller: Caller, unscoped: PrismaClient): PrismaClient {
  if (caller.kind === 'platform') return unscoped;
  return scopeToTenant(unscoped, caller.kind === 'anonymous' ? NO_TENANT : caller.tenantId);
}
