// Identities: the integrator's customer or user (externalId) within a tenant. Keys name one with
// `externalId`; its rate limits are counted once for all its keys.
import { z } from 'zod';
import type { Context } from '../appTypes.ts';
import type { Identity } from '../generated/prisma/client.ts';
import { ValidationError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { tenantCaller } from './authorization.ts';
import { diff, recordAudit, type Tx } from './audit.ts';
import { externalIdInput, limitUpdateFields, limitsAuditView, rateLimitData, bothGiven } from './limits.ts';
import { invalidateKeys } from './keys/records.ts';
import { parseInput } from './validation.ts';

const requiredExternalId = externalIdInput.refine((value) => value.length > 0, 'must not be empty');

const setLimitsInput = z
  .object({ externalId: requiredExternalId, ...limitUpdateFields })
  .superRefine((input, issue) => bothGiven(input, 'rateLimit', 'removeRateLimit', issue));

/**
 * The identity of `externalId` in the tenant, made on first use (a key naming it, or its limits
 * being set). Two first uses at once end in one row, both succeeding: the insert skips a row another
 * transaction wrote (waiting for it to commit) instead of failing on the unique index, which would
 * abort this transaction and answer a conflict for a write that was fine. Only the writer audits it.
 */
export async function identityFor(tx: Tx, ctx: Context, tenantId: string, externalId: string): Promise<Identity> {
  const where = { tenantId_externalId: { tenantId, externalId } };
  const found = await tx.identity.findUnique({ where });
  if (found) return found;
  const now = ctx.app.clock().toISOString();
  const inserted = await tx.$executeRaw`
    INSERT INTO "Identity" ("id", "tenantId", "externalId", "createdAt", "updatedAt")
    VALUES (${newId('idt')}, ${tenantId}, ${externalId}, (${now}::timestamptz AT TIME ZONE 'UTC'), (${now}::timestamptz AT TIME ZONE 'UTC'))
    ON CONFLICT ("tenantId", "externalId") DO NOTHING`;
  const identity = await tx.identity.findUniqueOrThrow({ where });
  if (inserted === 1) {
    await recordAudit(tx, ctx, { tenantId, action: 'identity.created', targetType: 'Identity', targetId: identity.id, changes: { externalId } });
  }
  return identity;
}

/** Sets the rate limits shared by all keys of an identity (made if new); every one of its keys is invalidated. */
export async function setIdentityLimits(ctx: Context, raw: unknown): Promise<Identity> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(setLimitsInput, raw);
  if (input.rateLimit == null && !input.removeRateLimit && input.namedRateLimits == null) {
    throw ValidationError.field(['input', 'rateLimit'], 'Give rateLimit, removeRateLimit or namedRateLimits');
  }
  const result = await ctx.db.$transaction(async (tx) => {
    const before = await identityFor(tx, ctx, tenantId, input.externalId);
    const identity = await tx.identity.update({ where: { id: before.id }, data: rateLimitData(input) });
    await recordAudit(tx, ctx, {
      tenantId, action: 'identity.limits_set', targetType: 'Identity', targetId: identity.id,
      changes: { externalId: identity.externalId, ...diff(limitsAuditView(before), limitsAuditView(identity)) },
    });
    const keys = await tx.apiKey.findMany({ where: { identityId: identity.id }, select: { id: true } });
    return { identity, keyIds: keys.map((k) => k.id) };
  });
  await invalidateKeys(ctx, tenantId, result.keyIds);
  return result.identity;
}
