// What a rotation does to the access tokens of the secrets it replaces (rotateKey, and the first
// use that starts a grace: firstUse.ts).
import { expiryInstant } from '../../domain/expiry.ts';
import type { Tx } from '../audit.ts';

/**
 * The live access tokens of a key's secrets that a rotation replaces: those of `rotatedOut` end
 * at the grace's end (cut to the whole second, as token expiries are kept) or, without a grace,
 * now; those of older secrets, whose grace this rotation ends, now. Issuing locks the key's row
 * (accessTokens.ts), so no token of these secrets is written after this runs. Returns how many
 * were revoked and cut, for the audit event.
 */
export async function endRotatedOutTokens(tx: Tx, keyId: string, rotatedOut: number, now: Date, graceEndsAt: Date | null) {
  const live = { apiKeyId: keyId, revokedAt: null, expiresAt: { gt: now } };
  const revoked = await tx.accessToken.updateMany({
    where: { ...live, secretVersion: graceEndsAt ? { lt: rotatedOut } : { lte: rotatedOut } },
    data: { revokedAt: now },
  });
  if (graceEndsAt === null) return { revoked: revoked.count };
  const graceEnd = new Date(expiryInstant(graceEndsAt));
  const cut = await tx.accessToken.updateMany({
    where: { ...live, secretVersion: rotatedOut, expiresAt: { gt: graceEnd } },
    data: { expiresAt: graceEnd },
  });
  return { revoked: revoked.count, cutToGraceEnd: cut.count };
}
