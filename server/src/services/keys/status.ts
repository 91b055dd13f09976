// A key's status: disable, enable, revoke (one key or many at once), and delete.
import { z } from 'zod';
import type { Context } from '../../appTypes.ts';
import type { ApiKey } from '../../generated/prisma/client.ts';
import type { StoredKeyStatus } from '../../domain/access.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import { reasonInput as reason } from '../inputs.ts';
import { recordAudit, type Tx } from '../audit.ts';
import { tenantCaller } from '../authorization.ts';
import { parseInput } from '../validation.ts';
import { assertFilterTargetsExist, keyWhere, type KeyFilter } from './filter.ts';
import { endRevealLinks } from '../revealLinks.ts';
import { auditView, invalidateKeys, keyIdInput as id, loadChangeableKey } from './records.ts';

const MAX_BULK_IDS = 1000;

const revokeInput = z.object({ id, reason });

export type BulkKeyAction = 'DISABLE' | 'ENABLE' | 'REVOKE';

const bulkInput = z
  .object({
    ids: z.array(id).min(1, 'must name at least one key').max(MAX_BULK_IDS, `must name at most ${MAX_BULK_IDS} keys`).nullish(),
    filter: z.custom<KeyFilter>((value) => typeof value === 'object' && value !== null).nullish(),
    action: z.enum(['DISABLE', 'ENABLE', 'REVOKE']),
    reason: reason.nullish(),
  })
  .superRefine((input, issue) => {
    if ((input.ids == null) === (input.filter == null)) {
      issue.addIssue({ code: 'custom', path: ['ids'], message: 'Give either ids or filter' });
    }
    // An empty filter would select every key of the tenant: that must be asked for by name.
    if (input.filter && !Object.values(input.filter).some((v) => v != null && v !== '')) {
      issue.addIssue({ code: 'custom', path: ['filter'], message: 'must name at least one criterion' });
    }
    if (input.action === 'REVOKE' && input.reason == null) {
      issue.addIssue({ code: 'custom', path: ['reason'], message: 'is required to revoke' });
    }
  });

const STATUS_AFTER: Record<BulkKeyAction, StoredKeyStatus> = { DISABLE: 'DISABLED', ENABLE: 'ACTIVE', REVOKE: 'REVOKED' };
const STATUS_AUDIT_ACTION: Record<BulkKeyAction, string> = { DISABLE: 'key.disabled', ENABLE: 'key.enabled', REVOKE: 'key.revoked' };

/**
 * Applies a status action to keys inside the caller's transaction, one audit event per key that
 * actually changes. Revoked keys never change (callers decide whether that is an error); keys
 * already in the target status are left alone. Returns the ids changed.
 */
export async function changeKeyStatus(
  tx: Tx,
  ctx: Context,
  keys: readonly Pick<ApiKey, 'id' | 'status'>[],
  action: BulkKeyAction,
  options: { reason?: string | null; now: Date; context?: Record<string, unknown>; tenantId?: string },
): Promise<string[]> {
  // A caller outside any tenant (a secret-scanning report) names the keys' tenant.
  const tenantId = options.tenantId ?? tenantCaller(ctx).tenantId;
  const status = STATUS_AFTER[action];
  const changing = keys.filter((key) => key.status !== 'REVOKED' && key.status !== status);
  if (changing.length === 0) return [];
  await tx.apiKey.updateMany({
    where: { id: { in: changing.map((key) => key.id) } },
    data: { status, ...(action === 'REVOKE' && { revokedAt: options.now, revokedReason: options.reason ?? null }) },
  });
  // A reveal link does not outlive a disabling or revocation (enabling again does not bring it back).
  if (action !== 'ENABLE') await endRevealLinks(tx, changing.map((key) => key.id), options.now);
  for (const key of changing) {
    await recordAudit(tx, ctx, {
      tenantId, action: STATUS_AUDIT_ACTION[action], targetType: 'ApiKey', targetId: key.id,
      changes: { status: { before: key.status, after: status }, ...(options.reason && { reason: options.reason }), ...options.context },
    });
  }
  return changing.map((key) => key.id);
}

/** Disable (reversible) or enable a key; a no-op when it already is. */
export async function setKeyEnabled(ctx: Context, keyId: string, enabled: boolean): Promise<ApiKey> {
  const { tenantId } = tenantCaller(ctx);
  const key = await ctx.db.$transaction(async (tx) => {
    const before = await loadChangeableKey(tx, keyId);
    await changeKeyStatus(tx, ctx, [before], enabled ? 'ENABLE' : 'DISABLE', { now: ctx.app.clock() });
    return tx.apiKey.findUniqueOrThrow({ where: { id: keyId } });
  });
  await invalidateKeys(ctx, tenantId, [key.id]);
  return key;
}

/** Final: a revoked key can never be enabled, rotated or changed again. */
export async function revokeKey(ctx: Context, raw: unknown): Promise<ApiKey> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(revokeInput, raw);
  const key = await ctx.db.$transaction(async (tx) => {
    const before = await loadChangeableKey(tx, input.id);
    await changeKeyStatus(tx, ctx, [before], 'REVOKE', { reason: input.reason, now: ctx.app.clock() });
    return tx.apiKey.findUniqueOrThrow({ where: { id: input.id } });
  });
  await invalidateKeys(ctx, tenantId, [key.id]);
  return key;
}

/** Removes the key (its IP rules and tokens go with it); its audit history stays. */
export async function deleteKey(ctx: Context, keyId: string): Promise<string> {
  const { tenantId } = tenantCaller(ctx);
  await ctx.db.$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id: keyId } });
    if (!key) throw new NotFoundError('ApiKey', keyId);
    await tx.apiKey.delete({ where: { id: keyId } });
    await recordAudit(tx, ctx, { tenantId, action: 'key.deleted', targetType: 'ApiKey', targetId: keyId, changes: auditView(key) });
  });
  await invalidateKeys(ctx, tenantId, [keyId]);
  return keyId;
}

/**
 * Disable, enable or revoke many keys in one transaction. Named ids must all exist in the tenant
 * (else NOT_FOUND and nothing changes); enabling a named revoked key is a conflict. A filter
 * simply passes over revoked keys.
 */
export async function bulkUpdateKeys(ctx: Context, raw: unknown): Promise<{ count: number; keyIds: string[] }> {
  const { tenantId } = tenantCaller(ctx);
  const input = parseInput(bulkInput, raw);
  const now = ctx.app.clock();
  const keyIds = await ctx.db.$transaction(async (tx) => {
    let keys: Pick<ApiKey, 'id' | 'status'>[];
    if (input.ids) {
      const ids = [...new Set(input.ids)];
      keys = await tx.apiKey.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
      const found = new Set(keys.map((key) => key.id));
      const missing = ids.filter((keyId) => !found.has(keyId));
      if (missing.length > 0) throw new NotFoundError('ApiKey', missing.join(', '));
      const revoked = keys.filter((key) => key.status === 'REVOKED');
      if (input.action === 'ENABLE' && revoked.length > 0) {
        throw new ConflictError(`Revoked keys cannot be enabled: ${revoked.map((key) => key.id).join(', ')}`, 'ids');
      }
    } else {
      await assertFilterTargetsExist(tx, input.filter);
      keys = await tx.apiKey.findMany({ where: keyWhere(input.filter, now), select: { id: true, status: true } });
    }
    const changed = await changeKeyStatus(tx, ctx, keys, input.action, { reason: input.reason, now, context: { bulk: true } });
    await recordAudit(tx, ctx, {
      tenantId, action: 'keys.bulkUpdated', targetType: 'ApiKey',
      changes: { action: input.action, count: changed.length, keyIds: changed, ...(input.reason && { reason: input.reason }), ...(input.filter && { filter: input.filter }) },
    });
    return changed;
  });
  await invalidateKeys(ctx, tenantId, keyIds);
  return { count: keyIds.length, keyIds };
}
