// Rotation with grace from first use: after rotateKey(graceStartsAt: FIRST_USE) the previous secret
// keeps working until the new one is first used successfully, then for the grace period; at the
// latest until rotationWaitUntil. This is the write that first use makes, once.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Caller, CredentialInvalidation } from '../../domain/caller.ts';
import { recordAudit } from '../audit.ts';
import { endRotatedOutTokens } from './rotatedTokens.ts';

export interface FirstUse {
  keyId: string;
  tenantId: string;
  /** The new secret's version, the one that was used. */
  secretVersion: number;
  /** The key, as the caller of the event. */
  caller: Extract<Caller, { kind: 'apiKey' }>;
  ip: string;
  now: Date;
}

/**
 * Ends the wait and starts the grace: the previous secret (and its access tokens) now work until
 * now + the grace chosen at rotation. Returns whether this call did it: concurrent first uses, on
 * this instance or others, race for one conditional update, and only the winner writes
 * `key.rotation_completed` and announces the change to every instance's caches.
 */
export async function completeRotationWait(prisma: PrismaClient, invalidation: CredentialInvalidation, use: FirstUse): Promise<boolean> {
  const { keyId, tenantId, secretVersion, now } = use;
  const completed = await prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id: keyId }, select: { rotationGraceSeconds: true, rotationWaitUntil: true, secretVersion: true } });
    if (!key || key.rotationWaitUntil === null || key.rotationWaitUntil <= now || key.secretVersion !== secretVersion) return false;
    const grace = key.rotationGraceSeconds ?? 0;
    const graceEndsAt = grace > 0 ? new Date(now.getTime() + grace * 1000) : null;
    // The row lock makes a second, concurrent update re-read the row and find the wait over.
    const claimed = await tx.apiKey.updateMany({
      where: { id: keyId, secretVersion, rotationWaitUntil: { gt: now } },
      data: {
        rotationWaitUntil: null,
        rotationGraceSeconds: null,
        previousSecretExpiresAt: graceEndsAt,
        ...(graceEndsAt === null && { previousSecretHash: null }),
      },
    });
    if (claimed.count !== 1) return false;
    const oauthAccess = await endRotatedOutTokens(tx, keyId, secretVersion - 1, now, graceEndsAt);
    await recordAudit(tx, { caller: use.caller, request: { id: `first-use-${randomUUID()}`, ip: use.ip, userAgent: null } }, {
      tenantId, action: 'key.rotation_completed', targetType: 'ApiKey', targetId: keyId,
      changes: { secretVersion, firstUsedAt: now, gracePeriodSeconds: grace, graceEndsAt, oauthAccess },
    });
    return true;
  });
  if (completed) await invalidation.invalidate({ tenantId, keyIds: [keyId] });
  return completed;
}
