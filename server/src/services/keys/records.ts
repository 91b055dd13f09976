// What the key operations share: finding a key that may still change, how an audit event shows a
// key, and dropping changed keys from the verification caches once the change commits.
import { z } from 'zod';
import type { Context } from '../../appTypes.ts';
import { afterCommit } from '../../db/transaction.ts';
import type { ApiKey } from '../../generated/prisma/client.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { Tx } from '../audit.ts';
import { limitsAuditView } from '../limits.ts';

/** A key id argument. */
export const keyIdInput = z.string().min(1, 'must not be empty');

/** A key that may still change: found in the tenant and not revoked. */
export async function loadChangeableKey(tx: Tx, keyId: string): Promise<ApiKey> {
  const key = await tx.apiKey.findUnique({ where: { id: keyId } });
  if (!key) throw new NotFoundError('ApiKey', keyId);
  if (key.status === 'REVOKED') throw new ConflictError('The key is revoked; a revoked key cannot be changed', 'id');
  return key;
}

/** The fields an audit event shows of a key: everything but secrets, hashes and usage counters. */
export function auditView(key: ApiKey) {
  return {
    publicId: key.publicId, name: key.name, description: key.description, contactEmail: key.contactEmail,
    ownerId: key.ownerId, groupId: key.groupId, scopes: key.scopes, endpoints: key.endpoints,
    status: key.status, expiresAt: key.expiresAt, metadata: key.metadata,
    tokenTtlSeconds: key.tokenTtlSeconds, tokenExchangeOnly: key.tokenExchangeOnly,
    ...limitsAuditView(key),
    credits: key.remainingUses === null ? null : { remaining: key.remainingUses, refillAmount: key.refillAmount, refillIntervalSeconds: key.refillIntervalSeconds },
    identityId: key.identityId,
  };
}

export async function invalidateKeys(ctx: Context, tenantId: string, keyIds: string[]): Promise<void> {
  if (keyIds.length > 0) await afterCommit(ctx, () => ctx.app.invalidation.invalidate({ tenantId, keyIds }));
}
